// The message log, newest first: filters and page in the URL, live updates merged in (new rows on top of page 1,
// changed rows in place on any page).
import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { useQuery } from 'urql';
import {
  ACTION_TYPES,
  DELIVERY_STATUSES,
  MESSAGES,
  MESSAGE_STATUSES,
  MESSAGE_UPDATED,
  type ActionType,
  type MessageFilters,
  type MessageRow,
} from '../operations';
import { useLive } from '../use-live';
import { Badge, Empty, ErrorNote, Loading, PageTitle, Pager, Time, countText, errorText, words } from '../ui';

const SIZES = new Set([25, 50, 100]);

function filtersOf(params: URLSearchParams): MessageFilters {
  const filters: MessageFilters = {};
  const status = params.get('status');
  const deliveryStatus = params.get('deliveryStatus');
  const actionType = params.get('actionType');
  const privacyRequestId = params.get('privacyRequestId');
  if (status) filters.status = status;
  if (deliveryStatus) filters.deliveryStatus = deliveryStatus;
  if (actionType && (ACTION_TYPES as readonly string[]).includes(actionType)) filters.actionType = actionType as ActionType;
  if (privacyRequestId) filters.privacyRequestId = privacyRequestId;
  return filters;
}

export function Activity() {
  const [params, setParams] = useSearchParams();
  const filters = useMemo(() => filtersOf(params), [params]);
  const page = Math.max(1, Number.parseInt(params.get('page') ?? '1', 10) || 1);
  const sizeParam = Number.parseInt(params.get('size') ?? '50', 10);
  const size = SIZES.has(sizeParam) ? sizeParam : 50;
  const variables = useMemo(() => ({ ...filters, page, size }), [filters, page, size]);
  const [{ data, fetching, error }] = useQuery({ query: MESSAGES, variables });

  // Live changes since the page was read: rows by id, and rows not on the page (newer ones), newest first.
  const [changed, setChanged] = useState<Map<string, MessageRow>>(new Map());
  const [fresh, setFresh] = useState<MessageRow[]>([]);
  const listKey = JSON.stringify(variables);
  const items = data?.messages.items;
  useEffect(() => {
    setChanged(new Map());
    setFresh([]);
  }, [listKey, items]);

  const liveError = useLive(MESSAGE_UPDATED, filters, ({ messageUpdated: row }) => {
    const onPage = items?.some((item) => item.id === row.id) ?? false;
    if (onPage) {
      setChanged((before) => new Map(before).set(row.id, row));
      return;
    }
    const newest = items?.[0]?.createdAt;
    if (newest === undefined || row.createdAt >= newest) {
      setFresh((before) => [row, ...before.filter((item) => item.id !== row.id)].sort((a, b) => b.createdAt.localeCompare(a.createdAt)));
    }
  });

  const rows = useMemo(() => {
    const current = (items ?? []).map((item) => changed.get(item.id) ?? item);
    return page === 1 ? [...fresh, ...current].slice(0, size) : current;
  }, [items, changed, fresh, page, size]);

  const setQuery = (next: Record<string, string | undefined>) => {
    const merged = new URLSearchParams(params);
    for (const [name, value] of Object.entries(next)) {
      if (value) merged.set(name, value);
      else merged.delete(name);
    }
    setParams(merged);
  };

  function applyFilters(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = (name: string) => {
      const value = form.get(name);
      return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
    };
    setQuery({
      status: text('status'),
      deliveryStatus: text('deliveryStatus'),
      actionType: text('actionType'),
      privacyRequestId: text('privacyRequestId'),
      page: undefined,
    });
  }

  const total = (data?.messages.total ?? 0) + (page === 1 ? fresh.length : 0);
  return (
    <section>
      <PageTitle text="Activity">Activity</PageTitle>
      <p className="muted">Every message Herald queued, newest first. Changes appear as they happen.</p>
      <form className="filters" onSubmit={applyFilters} aria-label="Message filters" key={params.toString()}>
        <label>
          Status
          <select name="status" defaultValue={filters.status ?? ''}>
            <option value="">Any</option>
            {MESSAGE_STATUSES.map((status) => (
              <option key={status} value={status}>
                {status}
              </option>
            ))}
          </select>
        </label>
        <label>
          Delivery status
          <select name="deliveryStatus" defaultValue={filters.deliveryStatus ?? ''}>
            <option value="">Any</option>
            {DELIVERY_STATUSES.map((status) => (
              <option key={status} value={status}>
                {status}
              </option>
            ))}
          </select>
        </label>
        <label>
          Action type
          <select name="actionType" defaultValue={filters.actionType ?? ''}>
            <option value="">Any</option>
            {ACTION_TYPES.map((type) => (
              <option key={type} value={type}>
                {words(type)}
              </option>
            ))}
          </select>
        </label>
        <label>
          Privacy request id
          <input name="privacyRequestId" defaultValue={filters.privacyRequestId ?? ''} spellCheck={false} />
        </label>
        <div className="filter-actions">
          <button type="submit" className="primary">
            Apply filters
          </button>
          <button
            type="button"
            onClick={() => setQuery({ status: undefined, deliveryStatus: undefined, actionType: undefined, privacyRequestId: undefined, page: undefined })}
          >
            Clear
          </button>
        </div>
      </form>
      {liveError && (
        <div className="note note-info" role="status">
          Live updates are unavailable ({errorText(liveError)}); the list shows what was there when it was loaded.
        </div>
      )}
      {page > 1 && fresh.length > 0 && (
        <div className="note note-info" role="status">
          {fresh.length} newer message{fresh.length > 1 ? 's' : ''} since this page was loaded.{' '}
          <button type="button" className="link" onClick={() => setQuery({ page: undefined })}>
            Go to the newest
          </button>
        </div>
      )}
      <ErrorNote error={error} title="The messages could not be read" />
      {fetching && !data && <Loading what="messages" />}
      {data && rows.length === 0 && <Empty>No messages{Object.keys(filters).length > 0 ? ' match these filters' : ' yet'}.</Empty>}
      {rows.length > 0 && (
        <div className="table-wrap" role="region" aria-label="Messages" tabIndex={0}>
          <table className="data">
            <caption className="visually-hidden">Messages, newest first ({countText(total)})</caption>
            <thead>
              <tr>
                <th scope="col">Created</th>
                <th scope="col">Action</th>
                <th scope="col">Status</th>
                <th scope="col">Delivery</th>
                <th scope="col">Provider</th>
                <th scope="col">Recipient</th>
                <th scope="col">Attempts</th>
                <th scope="col">Privacy request</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row.id} data-message-id={row.id}>
                  <td>
                    <Link to={`/activity/${row.id}`}>
                      <Time iso={row.createdAt} />
                      <span className="visually-hidden">: {words(row.actionType)} message</span>
                    </Link>
                  </td>
                  <td>{words(row.actionType)}</td>
                  <td data-field="status">
                    <Badge value={row.status} />
                  </td>
                  <td data-field="deliveryStatus">
                    <Badge value={row.deliveryStatus} />
                  </td>
                  <td>{row.serviceType ? words(row.serviceType) : '—'}</td>
                  <td>{row.recipient ?? '—'}</td>
                  <td>{row.attempts}</td>
                  <td>{row.privacyRequestId ? <Link to={`/privacy-requests/${row.privacyRequestId}`}>{row.privacyRequestId.slice(0, 12)}…</Link> : '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {data && (
        <Pager
          label="Message"
          page={page}
          size={size}
          total={total}
          shown={rows.length}
          onPage={(next) => setQuery({ page: next > 1 ? String(next) : undefined })}
          onSize={(next) => setQuery({ size: String(next), page: undefined })}
        />
      )}
    </section>
  );
}
