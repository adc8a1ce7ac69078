// A detail screen's pieces: its head (a way back to its list, its title, loading and errors), one fact of its list
// (term and value), and a timeline of log entries.
import type { ComponentProps, ReactNode } from 'react';
import { Link } from 'react-router-dom';
import { QueryState } from './query-state';
import { Empty, PageTitle } from './ui';

/** The way back to the screen's list, its title, and the state of the query that reads what it shows. */
export function DetailHead({
  back,
  list,
  title,
  ...state
}: { back: string; list: string; title: string } & Omit<ComponentProps<typeof QueryState>, 'isEmpty' | 'children'>) {
  return (
    <>
      <p className="crumbs">
        <Link to={back}>← {list}</Link>
      </p>
      <PageTitle text={title}>{title}</PageTitle>
      <QueryState {...state} />
    </>
  );
}

export function Fact({ term, field, className, children }: { term: string; field?: string; className?: string; children: ReactNode }) {
  return (
    <div>
      <dt>{term}</dt>
      <dd className={className} data-field={field}>
        {children}
      </dd>
    </div>
  );
}

/** Entries in order, or `empty` in words when there are none. */
export function Timeline<Entry>({ entries, empty, children }: { entries: readonly Entry[]; empty: ReactNode; children: (entry: Entry) => ReactNode }) {
  if (entries.length === 0) return <Empty>{empty}</Empty>;
  return (
    <ol className="timeline">
      {entries.map((entry, index) => (
        <li key={index}>{children(entry)}</li>
      ))}
    </ol>
  );
}
