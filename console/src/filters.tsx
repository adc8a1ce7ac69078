// A list screen's filters and page, kept in the address (so a filtered page can be linked and reloaded).
import type { FormEvent, ReactNode } from 'react';
import { useSearchParams } from 'react-router-dom';
import { Options } from './ui';

export type Query = Record<string, string | undefined>;

/** The address's parameters, its page (a whole number from 1), and `setQuery`: changes some, keeps the rest (empty removes). */
export function useSearchQuery() {
  const [params, setParams] = useSearchParams();
  const page = Math.max(1, Number.parseInt(params.get('page') ?? '1', 10) || 1);
  const setQuery = (next: Query) => {
    const merged = new URLSearchParams(params);
    for (const [name, value] of Object.entries(next)) {
      if (value) merged.set(name, value);
      else merged.delete(name);
    }
    setParams(merged);
  };
  /** Replaces them all: only `query`'s non-empty values stay. */
  const replaceQuery = (query: Query) => {
    const fresh = new URLSearchParams();
    for (const [name, value] of Object.entries(query)) if (value) fresh.set(name, value);
    setParams(fresh);
  };
  const setPage = (next: number) => setQuery({ page: next > 1 ? String(next) : undefined });
  return { params, page, setQuery, replaceQuery, setPage };
}

/**
 * The filters form: Apply hands `onApply` each named field's trimmed text (undefined when blank), Clear hands it none.
 * Give it `key={params.toString()}` so that its fields follow the address.
 */
export function FilterForm({
  label,
  names,
  onApply,
  children,
}: {
  label: string;
  names: readonly string[];
  onApply: (query: Query) => void;
  children: ReactNode;
}) {
  function apply(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const query: Query = {};
    for (const name of names) {
      const value = form.get(name);
      query[name] = typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
    }
    onApply(query);
  }
  return (
    <form className="filters" onSubmit={apply} aria-label={label}>
      {children}
      <div className="filter-actions">
        <button type="submit" className="primary">
          Apply filters
        </button>
        <button type="button" onClick={() => onApply(Object.fromEntries(names.map((name) => [name, undefined])))}>
          Clear
        </button>
      </div>
    </form>
  );
}

/** A filter choosing one of `options`, or Any. */
export function FilterSelect({
  label,
  name,
  value,
  options,
  text,
}: {
  label: string;
  name: string;
  value: string | undefined;
  options: readonly string[];
  text?: (option: string) => string;
}) {
  return (
    <label>
      {label}
      <select name={name} defaultValue={value ?? ''}>
        <option value="">Any</option>
        <Options values={options} text={text} />
      </select>
    </label>
  );
}
