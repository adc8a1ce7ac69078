// Privacy requests, newest first, filtered by status, id prefix or identity; pending ones can be approved from here.
import { useMemo, useState } from 'react';
import { Link } from 'react-router-dom';
import { useMutation, useQuery } from 'urql';
import {
  APPROVE_REQUESTS,
  PRIVACY_REQUESTS,
  PRIVACY_REQUEST_STATUSES,
  PRIVACY_REQUEST_UPDATED,
  type PrivacyRequestFilters,
  type PrivacyRequestRow,
  type PrivacyRequestStatus,
} from '../operations';
import { DataTable, actionsColumn, type Column } from '../data-table';
import { FilterForm, FilterSelect, useSearchQuery } from '../filters';
import { QueryState } from '../query-state';
import { useLive } from '../use-live';
import { Badge, ErrorNote, PageTitle, Pager, Success, Time, countText, words } from '../ui';

const SIZE = 50;
const CONTEXT = { additionalTypenames: ['PrivacyRequest'] };
const FILTERS = ['status', 'requestId', 'identity'];

export function PrivacyRequests() {
  const { params, page, replaceQuery, setPage } = useSearchQuery();
  const filters = useMemo(() => {
    const found: PrivacyRequestFilters = {};
    const status = params.get('status');
    if (status && (PRIVACY_REQUEST_STATUSES as readonly string[]).includes(status)) found.statuses = [status as PrivacyRequestStatus];
    if (params.get('requestId')) found.requestId = params.get('requestId')!;
    if (params.get('identity')) found.identity = params.get('identity')!;
    return found;
  }, [params]);
  const variables = useMemo(() => ({ ...filters, page, size: SIZE }), [filters, page]);
  const [list, refetch] = useQuery({ query: PRIVACY_REQUESTS, variables, context: CONTEXT });
  const [approved, approve] = useMutation(APPROVE_REQUESTS);
  const [note, setNote] = useState<string | undefined>();
  useLive(PRIVACY_REQUEST_UPDATED, {}, () => refetch({ requestPolicy: 'network-only' }));

  async function approveOne(id: string) {
    setNote(undefined);
    const outcome = await approve({ ids: [id] }, CONTEXT);
    const failed = outcome.data?.approvePrivacyRequests.failed[0];
    if (failed) setNote(`Not approved: ${failed.message}`);
    else if (outcome.data) setNote('Approved.');
  }

  const columns: Column<PrivacyRequestRow>[] = [
    {
      header: 'Request',
      cell: (item) => (
        <Link to={`/privacy-requests/${item.id}`} className="mono">
          {item.id}
        </Link>
      ),
    },
    { header: 'Status', field: 'status', cell: (item) => <Badge value={item.status} /> },
    { header: 'Policy', cell: (item) => item.policyName },
    { header: 'Requested', cell: (item) => <Time iso={item.requestedAt} /> },
    { header: 'Days left', cell: (item) => item.daysLeft ?? '—' },
    actionsColumn(
      (item) =>
        item.status === 'PENDING' && (
          <button type="button" onClick={() => void approveOne(item.id)} aria-label={`Approve ${item.id}`} disabled={approved.fetching}>
            Approve
          </button>
        ),
    ),
  ];

  const data = list.data;
  const items = data?.privacyRequests.items ?? [];
  return (
    <section>
      <PageTitle text="Privacy requests">Privacy requests</PageTitle>
      <FilterForm label="Privacy request filters" names={FILTERS} onApply={replaceQuery} key={params.toString()}>
        <FilterSelect label="Status" name="status" value={params.get('status') ?? undefined} options={PRIVACY_REQUEST_STATUSES} text={words} />
        <label>
          Id starts with
          <input name="requestId" defaultValue={params.get('requestId') ?? ''} spellCheck={false} />
        </label>
        <label>
          Email or phone (exact)
          <input name="identity" defaultValue={params.get('identity') ?? ''} autoComplete="off" />
        </label>
      </FilterForm>
      <ErrorNote error={approved.error} title="Not approved" />
      {note && <Success>{note}</Success>}
      <QueryState result={list} what="privacy requests" errorTitle="The privacy requests could not be read" isEmpty={items.length === 0}>
        No privacy requests{Object.keys(filters).length > 0 ? ' match these filters' : ' yet'}.
      </QueryState>
      <DataTable
        label="Privacy requests"
        caption={data && `Privacy requests, newest first (${countText(data.privacyRequests.total)})`}
        columns={columns}
        rows={items}
        rowKey={(item) => item.id}
        keyAttribute="data-request-id"
      />
      {data && <Pager label="Privacy request" page={page} size={SIZE} total={data.privacyRequests.total} shown={items.length} onPage={setPage} />}
    </section>
  );
}
