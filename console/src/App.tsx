// Routes under /console, the session, and the client that goes with it.
import { useEffect, useMemo, useState } from 'react';
import { BrowserRouter, Navigate, NavLink, Route, Routes, useLocation } from 'react-router-dom';
import { Provider } from 'urql';
import { AuthProvider, EXPIRED_NOTICE, useAuth } from './auth';
import { createSessionClient, type LiveState } from './client';
import { Activity } from './screens/Activity';
import { MessageDetailScreen } from './screens/MessageDetail';
import { PrivacyRequestDetailScreen } from './screens/PrivacyRequestDetail';
import { PrivacyRequests } from './screens/PrivacyRequests';
import { Providers } from './screens/Providers';
import { SignIn } from './screens/SignIn';
import { Suppressions } from './screens/Suppressions';
import { Templates } from './screens/Templates';
import { LiveContext } from './live';

export function App() {
  return (
    <BrowserRouter basename="/console">
      <AuthProvider>
        <Session />
      </AuthProvider>
    </BrowserRouter>
  );
}

function Session() {
  const { session, signOut } = useAuth();
  const token = session?.token;
  const sessionClient = useMemo(() => (token ? createSessionClient(token, () => signOut(EXPIRED_NOTICE)) : undefined), [token, signOut]);
  useEffect(() => () => sessionClient?.dispose(), [sessionClient]);
  if (!session || !sessionClient) return <SignIn />;
  return (
    <Provider value={sessionClient.client}>
      <LiveContext.Provider value={sessionClient.live}>
        <Shell clientId={session.clientId} live={sessionClient.live} />
      </LiveContext.Provider>
    </Provider>
  );
}

const SECTIONS = [
  { to: '/activity', label: 'Activity' },
  { to: '/providers', label: 'Providers' },
  { to: '/templates', label: 'Templates' },
  { to: '/suppressions', label: 'Suppressions' },
  { to: '/privacy-requests', label: 'Privacy requests' },
];

function Shell({ clientId, live }: { clientId: string; live: LiveState }) {
  const { signOut } = useAuth();
  const [menuOpen, setMenuOpen] = useState(false);
  const location = useLocation();
  useEffect(() => setMenuOpen(false), [location.pathname]);
  const [connected, setConnected] = useState(live.connected);
  useEffect(() => live.listen(setConnected), [live]);
  return (
    <>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <div className="brand">
          <span className="logo" aria-hidden="true">
            ✉
          </span>{' '}
          Herald console
        </div>
        <button type="button" className="menu-button" aria-expanded={menuOpen} aria-controls="primary-nav" onClick={() => setMenuOpen((open) => !open)}>
          Menu
        </button>
        <nav id="primary-nav" aria-label="Sections" className={menuOpen ? 'open' : undefined}>
          <ul>
            {SECTIONS.map((section) => (
              <li key={section.to}>
                <NavLink to={section.to}>{section.label}</NavLink>
              </li>
            ))}
          </ul>
        </nav>
        <div className="who">
          <span className={`live-dot ${connected ? 'on' : 'off'}`} title={connected ? 'Live updates connected' : 'Live updates not connected'}>
            <span className="visually-hidden">{connected ? 'Live updates connected' : 'Live updates not connected'}</span>
          </span>
          <span className="client" title="Signed in as">
            {clientId}
          </span>
          <button type="button" onClick={() => signOut('You signed out.')}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main">
        <Routes>
          <Route path="/" element={<Navigate to="/activity" replace />} />
          <Route path="/activity" element={<Activity />} />
          <Route path="/activity/:id" element={<MessageDetailScreen />} />
          <Route path="/providers" element={<Providers />} />
          <Route path="/templates" element={<Templates />} />
          <Route path="/suppressions" element={<Suppressions />} />
          <Route path="/privacy-requests" element={<PrivacyRequests />} />
          <Route path="/privacy-requests/:id" element={<PrivacyRequestDetailScreen />} />
          <Route path="*" element={<NotFound />} />
        </Routes>
      </main>
    </>
  );
}

function NotFound() {
  return (
    <section>
      <h1>Not found</h1>
      <p>
        No console page here. Go to <NavLink to="/activity">Activity</NavLink>.
      </p>
    </section>
  );
}
