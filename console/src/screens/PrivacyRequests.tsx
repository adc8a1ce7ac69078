// Privacy requests, newest first, filtered by status, id prefix or identity; pending ones can be approved from here.
import { useMemo, useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { useMutation, useQuery } from 'urql';
import {
  APPROVE_REQUESTS,
  PRIVACY_REQUESTS,
  PRIVACY_REQUEST_STATUSES,
  PRIVACY_REQUEST_UPDATED,
  type PrivacyRequestFilters,
  type PrivacyRequestStatus,
} from '../operations';
import { useLive } from '../use-live';
import { Badge, Empty, ErrorNote, Loading, PageTitle, Pager, Success, Time, countText, words } from '../ui';

const SIZE = 50;
const CONTEXT = { additionalTypenames: ['PrivacyRequest'] };

export function PrivacyRequests() {
  const [params, setParams] = useSearchParams();
  const page = Math.max(1, Number.parseInt(params.get('page') ?? '1', 10) || 1);
  const filters = useMemo(() => {
    const found: PrivacyRequestFilters = {};
    const status = params.get('status');
    if (status && (PRIVACY_REQUEST_STATUSES as readonly string[]).includes(status)) found.statuses = [status as PrivacyRequestStatus];
    if (params.get('requestId')) found.requestId = params.get('requestId')!;
    if (params.get('identity')) found.identity = params.get('identity')!;
    return found;
  }, [params]);
  const variables = useMemo(() => ({ ...filters, page, size: SIZE }), [filters, page]);
  const [{ data, fetching, error }, refetch] = useQuery({ query: PRIVACY_REQUESTS, variables, context: CONTEXT });
  const [approved, approve] = useMutation(APPROVE_REQUESTS);
  const [note, setNote] = useState<string | undefined>();
  useLive(PRIVACY_REQUEST_UPDATED, {}, () => refetch({ requestPolicy: 'network-only' }));

  function applyFilters(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const next = new URLSearchParams();
    for (const name of ['status', 'requestId', 'identity']) {
      const field = form.get(name);
      const value = typeof field === 'string' ? field.trim() : '';
      if (value) next.set(name, value);
    }
    setParams(next);
  }

  async function approveOne(id: string) {
    setNote(undefined);
    const outcome = await approve({ ids: [id] }, CONTEXT);
    const failed = outcome.data?.approvePrivacyRequests.failed[0];
    if (failed) setNote(`Not approved: ${failed.message}`);
    else if (outcome.data) setNote('Approved.');
  }

  const items = data?.privacyRequests.items ?? [];
  return (
    <section>
      <PageTitle text="Privacy requests">Privacy requests</PageTitle>
      <form className="filters" onSubmit={applyFilters} aria-label="Privacy request filters" key={params.toString()}>
        <label>
          Status
          <select name="status" defaultValue={params.get('status') ?? ''}>
            <option value="">Any</option>
            {PRIVACY_REQUEST_STATUSES.map((status) => (
              <option key={status} value={status}>
                {words(status)}
              </option>
            ))}
          </select>
        </label>
        <label>
          Id starts with
          <input name="requestId" defaultValue={params.get('requestId') ?? ''} spellCheck={false} />
        </label>
        <label>
          Email or phone (exact)
          <input name="identity" defaultValue={params.get('identity') ?? ''} autoComplete="off" />
        </label>
        <div className="filter-actions">
          <button type="submit" className="primary">
            Apply filters
          </button>
          <button type="button" onClick={() => setParams(new URLSearchParams())}>
            Clear
          </button>
        </div>
      </form>
      <ErrorNote error={approved.error} title="Not approved" />
      {note && <Success>{note}</Success>}
      <ErrorNote error={error} title="The privacy requests could not be read" />
      {fetching && !data && <Loading what="privacy requests" />}
      {data && items.length === 0 && <Empty>No privacy requests{Object.keys(filters).length > 0 ? ' match these filters' : ' yet'}.</Empty>}
      {items.length > 0 && (
        <div className="table-wrap" role="region" aria-label="Privacy requests" tabIndex={0}>
          <table className="data">
            <caption className="visually-hidden">Privacy requests, newest first ({countText(data!.privacyRequests.total)})</caption>
            <thead>
              <tr>
                <th scope="col">Request</th>
                <th scope="col">Status</th>
                <th scope="col">Policy</th>
                <th scope="col">Requested</th>
                <th scope="col">Days left</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((item) => (
                <tr key={item.id} data-request-id={item.id}>
                  <td>
                    <Link to={`/privacy-requests/${item.id}`} className="mono">
                      {item.id}
                    </Link>
                  </td>
                  <td data-field="status">
                    <Badge value={item.status} />
                  </td>
                  <td>{item.policyName}</td>
                  <td>
                    <Time iso={item.requestedAt} />
                  </td>
                  <td>{item.daysLeft ?? '—'}</td>
                  <td>
                    {item.status === 'PENDING' && (
                      <button type="button" onClick={() => void approveOne(item.id)} aria-label={`Approve ${item.id}`} disabled={approved.fetching}>
                        Approve
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {data && (
        <Pager
          label="Privacy request"
          page={page}
          size={SIZE}
          total={data.privacyRequests.total}
          shown={items.length}
          onPage={(next) => {
            const merged = new URLSearchParams(params);
            if (next > 1) merged.set('page', String(next));
            else merged.delete('page');
            setParams(merged);
          }}
        />
      )}
    </section>
  );
}
