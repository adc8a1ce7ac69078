// One privacy request: its state, messages and logs; approve, deny with a reason, retry from the failed step.
import { useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router-dom';
import { useMutation, useQuery } from 'urql';
import { APPROVE_REQUESTS, DENY_REQUESTS, PRIVACY_REQUEST, PRIVACY_REQUEST_UPDATED, RETRY_REQUEST } from '../operations';
import { useLive } from '../use-live';
import { Badge, Empty, ErrorNote, Loading, PageTitle, Success, Time, words } from '../ui';

const CONTEXT = { additionalTypenames: ['PrivacyRequest'] };
const REVIEWABLE = new Set(['PENDING']);

export function PrivacyRequestDetailScreen() {
  const { id = '' } = useParams();
  const [{ data, fetching, error }, refetch] = useQuery({ query: PRIVACY_REQUEST, variables: { id }, context: CONTEXT });
  const [approved, approve] = useMutation(APPROVE_REQUESTS);
  const [denied, deny] = useMutation(DENY_REQUESTS);
  const [retried, retry] = useMutation(RETRY_REQUEST);
  const [reason, setReason] = useState('');
  const [denying, setDenying] = useState(false);
  const [note, setNote] = useState<string | undefined>();
  useLive(PRIVACY_REQUEST_UPDATED, { id }, () => refetch({ requestPolicy: 'network-only' }), id === '');
  const request = data?.privacyRequest;

  async function doApprove() {
    setNote(undefined);
    const outcome = await approve({ ids: [id] }, CONTEXT);
    const failed = outcome.data?.approvePrivacyRequests.failed[0];
    setNote(failed ? `Not approved: ${failed.message}` : outcome.data ? 'Approved.' : undefined);
    refetch({ requestPolicy: 'network-only' });
  }

  async function doDeny(event: FormEvent) {
    event.preventDefault();
    setNote(undefined);
    const outcome = await deny({ ids: [id], reason: reason.trim() || undefined }, CONTEXT);
    const failed = outcome.data?.denyPrivacyRequests.failed[0];
    setNote(failed ? `Not denied: ${failed.message}` : outcome.data ? 'Denied.' : undefined);
    if (outcome.data && !failed) setDenying(false);
    refetch({ requestPolicy: 'network-only' });
  }

  async function doRetry() {
    setNote(undefined);
    const outcome = await retry({ id }, CONTEXT);
    if (outcome.data) setNote('Retrying from the step that failed.');
  }

  return (
    <section>
      <p className="crumbs">
        <Link to="/privacy-requests">← Privacy requests</Link>
      </p>
      <PageTitle text="Privacy request">Privacy request</PageTitle>
      <ErrorNote error={error} title="The privacy request could not be read" />
      {fetching && !request && <Loading what="the privacy request" />}
      {request && (
        <>
          <dl className="facts">
            <div>
              <dt>Id</dt>
              <dd className="mono">{request.id}</dd>
            </div>
            <div>
              <dt>Status</dt>
              <dd data-field="status">
                <Badge value={request.status} />
              </dd>
            </div>
            <div>
              <dt>Policy</dt>
              <dd>
                {request.policyName} <span className="muted mono">({request.policyKey})</span>
              </dd>
            </div>
            <div>
              <dt>Requested</dt>
              <dd>
                <Time iso={request.requestedAt} />
              </dd>
            </div>
            <div>
              <dt>Days left</dt>
              <dd>{request.daysLeft ?? '—'}</dd>
            </div>
            <div>
              <dt>Locale</dt>
              <dd>{request.locale ?? '—'}</dd>
            </div>
            <div>
              <dt>Reviewed</dt>
              <dd>
                {request.reviewedAt ? (
                  <>
                    <Time iso={request.reviewedAt} /> by {request.reviewedBy ?? 'unknown'}
                  </>
                ) : (
                  'not yet'
                )}
              </dd>
            </div>
            <div>
              <dt>Finished</dt>
              <dd>
                <Time iso={request.finishedProcessingAt} />
              </dd>
            </div>
          </dl>
          {request.failureReason && (
            <div className="note note-error">
              <strong>Failed{request.failedStep ? ` at ${words(request.failedStep)}` : ''}:</strong> {request.failureReason}
            </div>
          )}
          <div className="actions">
            {REVIEWABLE.has(request.status) && (
              <>
                <button type="button" className="primary" onClick={() => void doApprove()} disabled={approved.fetching}>
                  Approve
                </button>
                <button type="button" className="danger" onClick={() => setDenying(true)} aria-expanded={denying} aria-controls="deny-form">
                  Deny…
                </button>
              </>
            )}
            {request.status === 'ERROR' && (
              <button type="button" className="primary" onClick={() => void doRetry()} disabled={retried.fetching}>
                Retry
              </button>
            )}
          </div>
          {denying && REVIEWABLE.has(request.status) && (
            <form id="deny-form" className="panel stack" onSubmit={(event) => void doDeny(event)}>
              <label>
                Reason for the denial (sent to the requester when review notices are on)
                <textarea name="reason" rows={3} value={reason} onChange={(event) => setReason(event.target.value)} />
              </label>
              <div className="actions">
                <button type="submit" className="danger" disabled={denied.fetching}>
                  Deny request
                </button>
                <button type="button" onClick={() => setDenying(false)}>
                  Cancel
                </button>
              </div>
            </form>
          )}
          <ErrorNote error={approved.error ?? denied.error ?? retried.error} title="Not done" />
          {note && <Success>{note}</Success>}

          <h2>Messages</h2>
          {request.messages.length === 0 ? (
            <Empty>No message for this request yet.</Empty>
          ) : (
            <div className="table-wrap" role="region" aria-label="Messages of this request" tabIndex={0}>
              <table className="data">
                <thead>
                  <tr>
                    <th scope="col">Created</th>
                    <th scope="col">Action</th>
                    <th scope="col">Status</th>
                    <th scope="col">Delivery</th>
                    <th scope="col">Recipient</th>
                  </tr>
                </thead>
                <tbody>
                  {request.messages.map((message) => (
                    <tr key={message.id}>
                      <td>
                        <Link to={`/activity/${message.id}`}>
                          <Time iso={message.createdAt} />
                        </Link>
                      </td>
                      <td>{words(message.actionType)}</td>
                      <td>
                        <Badge value={message.status} />
                      </td>
                      <td>
                        <Badge value={message.deliveryStatus} />
                      </td>
                      <td>{message.recipient ?? '—'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}

          <h2>Audit log</h2>
          {request.auditLogs.length === 0 ? (
            <Empty>Nothing recorded yet.</Empty>
          ) : (
            <ol className="timeline">
              {request.auditLogs.map((log, index) => (
                <li key={index}>
                  <Time iso={log.createdAt} />: <strong>{words(log.action)}</strong>
                  {log.userId ? ` by ${log.userId}` : ''}
                  {log.message ? <span className="muted"> — {log.message}</span> : null}
                </li>
              ))}
            </ol>
          )}

          <h2>Execution log</h2>
          {request.executionLogs.length === 0 ? (
            <Empty>No execution step recorded yet.</Empty>
          ) : (
            <ol className="timeline">
              {request.executionLogs.map((log, index) => (
                <li key={index}>
                  <Time iso={log.updatedAt} />: {words(log.actionType)} <Badge value={log.status} />
                  {log.datasetName ? ` ${log.datasetName}${log.collectionName ? `.${log.collectionName}` : ''}` : ''}
                  {log.message ? <span className="muted"> — {log.message}</span> : null}
                </li>
              ))}
            </ol>
          )}
        </>
      )}
    </section>
  );
}
