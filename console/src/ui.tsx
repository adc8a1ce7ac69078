// Small shared pieces: states (loading, empty, error in words), dates, badges, a pager.
import { useEffect, useRef, useState, type ReactNode } from 'react';
import type { CombinedError } from 'urql';

/** A GraphQL or network error in words: the server's messages, never a stack. */
export function errorText(error: CombinedError | Error | undefined): string {
  if (!error) return '';
  if ('graphQLErrors' in error && error.graphQLErrors.length > 0) return error.graphQLErrors.map((e) => e.message).join(' ');
  // A refused or dropped WebSocket arrives as an event without a message.
  if ('networkError' in error && error.networkError)
    return `Herald could not be reached${error.networkError.message ? `: ${error.networkError.message}` : ' (the connection failed or was refused)'}`;
  return error.message;
}

export function ErrorNote({ error, title = 'Something went wrong' }: { error: CombinedError | Error | undefined; title?: string }) {
  if (!error) return null;
  return (
    <div className="note note-error" role="alert">
      <strong>{title}:</strong> {errorText(error)}
    </div>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <p className="muted" role="status">
      Loading {what}…
    </p>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="empty">{children}</p>;
}

export function Success({ children }: { children: ReactNode }) {
  return (
    <div className="note note-ok" role="status">
      {children}
    </div>
  );
}

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
export const when = (iso: string | null | undefined): string => (iso ? dateFormat.format(new Date(iso)) : '—');

export function Time({ iso }: { iso: string | null | undefined }) {
  return iso ? <time dateTime={iso}>{when(iso)}</time> : <span>—</span>;
}

const TONE: Record<string, string> = {
  sent: 'ok',
  delivered: 'ok',
  verified: 'ok',
  complete: 'ok',
  approved: 'ok',
  failed: 'bad',
  bounced: 'bad',
  complained: 'bad',
  undelivered: 'bad',
  error: 'bad',
  denied: 'bad',
  queued: 'wait',
  sending: 'wait',
  deferred: 'wait',
  pending: 'wait',
  in_processing: 'wait',
};

export function Badge({ value }: { value: string }) {
  const tone = TONE[value.toLowerCase()] ?? 'plain';
  return <span className={`badge badge-${tone}`}>{value.toLowerCase().replace(/_/g, ' ')}</span>;
}

/** Counts above 10,000 are PostgreSQL's estimate (messages, privacy requests): said so. */
export const countText = (total: number): string => (total > 10_000 ? `about ${total.toLocaleString()}` : total.toLocaleString());

export function Pager({
  page,
  size,
  total,
  shown,
  onPage,
  onSize,
  label,
}: {
  page: number;
  size: number;
  total: number;
  shown: number;
  onPage: (page: number) => void;
  onSize?: (size: number) => void;
  label: string;
}) {
  const first = shown === 0 ? 0 : (page - 1) * size + 1;
  const last = (page - 1) * size + shown;
  // A full page may have a next one even when the estimate says otherwise.
  const hasNext = last < total || shown === size;
  return (
    <nav className="pager" aria-label={`${label} pages`}>
      <button type="button" onClick={() => onPage(page - 1)} disabled={page <= 1}>
        Previous
      </button>
      <span aria-live="polite">
        {shown === 0 ? 'None' : `${first.toLocaleString()}–${last.toLocaleString()}`} of {countText(total)} · page {page.toLocaleString()}
      </span>
      <button type="button" onClick={() => onPage(page + 1)} disabled={!hasNext}>
        Next
      </button>
      {onSize && (
        <label className="inline">
          Per page{' '}
          <select value={size} onChange={(event) => onSize(Number(event.target.value))}>
            {[25, 50, 100].map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
      )}
    </nav>
  );
}

/** The page's title: in the document title too, and focused after a route change so a screen reader hears it. */
export function PageTitle({ children, text }: { children: ReactNode; text: string }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${text} · Herald console`;
    ref.current?.focus({ preventScroll: true });
  }, [text]);
  return (
    <h1 ref={ref} tabIndex={-1}>
      {children}
    </h1>
  );
}

/** A value that follows `value` after `ms` without a change (the template preview while typing). */
export function useDebounced<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return settled;
}

export const words = (value: string): string => value.toLowerCase().replace(/_/g, ' ');

/** A select's options: each value, shown as `text` makes it (as it is by default). */
export function Options({ values, text = (value) => value }: { values: readonly string[]; text?: (value: string) => string }) {
  return (
    <>
      {values.map((value) => (
        <option key={value} value={value}>
          {text(value)}
        </option>
      ))}
    </>
  );
}
