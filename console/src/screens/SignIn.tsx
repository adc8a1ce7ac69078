import { useState, type FormEvent } from 'react';
import { useAuth } from '../auth';
import { PageTitle } from '../ui';

export function SignIn() {
  const { signIn, notice } = useAuth();
  const [clientId, setClientId] = useState('');
  const [secret, setSecret] = useState('');
  const [error, setError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await signIn(clientId.trim(), secret);
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
      setBusy(false);
    }
  }

  return (
    <main id="main" className="sign-in">
      <PageTitle text="Sign in">Herald console</PageTitle>
      <p className="muted">Sign in with an OAuth client: its id and secret (for instance the root client named in Herald&apos;s settings).</p>
      {notice && (
        <div className="note note-info" role="status">
          {notice}
        </div>
      )}
      {error && (
        <div className="note note-error" role="alert">
          <strong>Not signed in:</strong> {error}
        </div>
      )}
      <form onSubmit={(event) => void submit(event)} className="stack">
        <label>
          Client id
          <input name="client_id" autoComplete="username" required value={clientId} onChange={(event) => setClientId(event.target.value)} />
        </label>
        <label>
          Client secret
          <input
            name="client_secret"
            type="password"
            autoComplete="current-password"
            required
            value={secret}
            onChange={(event) => setSecret(event.target.value)}
          />
        </label>
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
      <p className="muted small">The token is kept in this tab only (session storage) and is forgotten when you sign out or close the tab.</p>
    </main>
  );
}
