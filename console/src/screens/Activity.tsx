// The message log, newest first: filters and page in the URL, live updates merged in (new rows on top of page 1,
// changed rows in place on any page).
import { useEffect, useMemo, useState } from 'react';
import { Link } from 'react-router-dom';
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
import { DataTable, type Column } from '../data-table';
import { FilterForm, FilterSelect, useSearchQuery } from '../filters';
import { QueryState } from '../query-state';
import { useLive } from '../use-live';
import { Badge, PageTitle, Pager, Time, countText, errorText, words } from '../ui';

const SIZES = new Set([25, 50, 100]);
const FILTERS = ['status', 'deliveryStatus', 'actionType', 'privacyRequestId'] as const;

const COLUMNS: Column<MessageRow>[] = [
  {
    header: 'Created',
    cell: (row) => (
      <Link to={`/activity/${row.id}`}>
        <Time iso={row.createdAt} />
        <span className="visually-hidden">: {words(row.actionType)} message</span>
      </Link>
    ),
  },
  { header: 'Action', cell: (row) => words(row.actionType) },
  { header: 'Status', field: 'status', cell: (row) => <Badge value={row.status} /> },
  { header: 'Delivery', field: 'deliveryStatus', cell: (row) => <Badge value={row.deliveryStatus} /> },
  { header: 'Provider', cell: (row) => (row.serviceType ? words(row.serviceType) : '—') },
  { header: 'Recipient', cell: (row) => row.recipient ?? '—' },
  { header: 'Attempts', cell: (row) => row.attempts },
  {
    header: 'Privacy request',
    cell: (row) => (row.privacyRequestId ? <Link to={`/privacy-requests/${row.privacyRequestId}`}>{row.privacyRequestId.slice(0, 12)}…</Link> : '—'),
  },
];

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
  const { params, page, setQuery, setPage } = useSearchQuery();
  const filters = useMemo(() => filtersOf(params), [params]);
  const sizeParam = Number.parseInt(params.get('size') ?? '50', 10);
  const size = SIZES.has(sizeParam) ? sizeParam : 50;
  const variables = useMemo(() => ({ ...filters, page, size }), [filters, page, size]);
  const [list] = useQuery({ query: MESSAGES, variables });
  const data = list.data;

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

  const total = (data?.messages.total ?? 0) + (page === 1 ? fresh.length : 0);
  return (
    <section>
      <PageTitle text="Activity">Activity</PageTitle>
      <p className="muted">Every message Herald queued, newest first. Changes appear as they happen.</p>
      <FilterForm label="Message filters" names={FILTERS} onApply={(query) => setQuery({ ...query, page: undefined })} key={params.toString()}>
        <FilterSelect label="Status" name="status" value={filters.status} options={MESSAGE_STATUSES} />
        <FilterSelect label="Delivery status" name="deliveryStatus" value={filters.deliveryStatus} options={DELIVERY_STATUSES} />
        <FilterSelect label="Action type" name="actionType" value={filters.actionType} options={ACTION_TYPES} text={words} />
        <label>
          Privacy request id
          <input name="privacyRequestId" defaultValue={filters.privacyRequestId ?? ''} spellCheck={false} />
        </label>
      </FilterForm>
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
      <QueryState result={list} what="messages" errorTitle="The messages could not be read" isEmpty={rows.length === 0}>
        No messages{Object.keys(filters).length > 0 ? ' match these filters' : ' yet'}.
      </QueryState>
      <DataTable
        label="Messages"
        caption={`Messages, newest first (${countText(total)})`}
        columns={COLUMNS}
        rows={rows}
        rowKey={(row) => row.id}
        keyAttribute="data-message-id"
      />
      {data && (
        <Pager
          label="Message"
          page={page}
          size={size}
          total={total}
          shown={rows.length}
          onPage={setPage}
          onSize={(next) => setQuery({ size: String(next), page: undefined })}
        />
      )}
    </section>
  );
}
