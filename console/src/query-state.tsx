// What a screen shows around a query's rows: its error in words, "Loading…" before the first answer, and its empty
// state once an answer holds nothing.
import type { ReactNode } from 'react';
import type { CombinedError } from 'urql';
import { Empty, ErrorNote, Loading } from './ui';

export function QueryState({
  result,
  what,
  errorTitle,
  isEmpty = false,
  children,
}: {
  result: { data?: unknown; fetching: boolean; error?: CombinedError };
  /** "Loading {what}…" */
  what: string;
  errorTitle: string;
  isEmpty?: boolean;
  /** The empty state's words. */
  children?: ReactNode;
}) {
  return (
    <>
      <ErrorNote error={result.error} title={errorTitle} />
      {result.fetching && !result.data && <Loading what={what} />}
      {Boolean(result.data) && isEmpty && <Empty>{children}</Empty>}
    </>
  );
}
