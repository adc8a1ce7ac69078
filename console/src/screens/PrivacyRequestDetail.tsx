// One privacy request: its state, messages and logs; approve, deny with a reason, retry from the failed step.
import { useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router-dom';
import { useMutation, useQuery } from 'urql';
import { DataTable, type Column } from '../data-table';
import { DetailHead, Fact, Timeline } from '../detail';
import { APPROVE_REQUESTS, DENY_REQUESTS, PRIVACY_REQUEST, PRIVACY_REQUEST_UPDATED, RETRY_REQUEST, type MessageRow } from '../operations';
import { useLive } from '../use-live';
import { Badge, ErrorNote, Success, Time, words } from '../ui';

const CONTEXT = { additionalTypenames: ['PrivacyRequest'] };
const REVIEWABLE = new Set(['PENDING']);

const MESSAGE_COLUMNS: Column<MessageRow>[] = [
  {
    header: 'Created',
    cell: (message) => (
      <Link to={`/activity/${message.id}`}>
        <Time iso={message.createdAt} />
      </Link>
    ),
  },
  { header: 'Action', cell: (message) => words(message.actionType) },
  { header: 'Status', cell: (message) => <Badge value={message.status} /> },
  { header: 'Delivery', cell: (message) => <Badge value={message.deliveryStatus} /> },
  { header: 'Recipient', cell: (message) => message.recipient ?? '—' },
];

export function PrivacyRequestDetailScreen() {
  const { id = '' } = useParams();
  const [read, refetch] = useQuery({ query: PRIVACY_REQUEST, variables: { id }, context: CONTEXT });
  const [approved, approve] = useMutation(APPROVE_REQUESTS);
  const [denied, deny] = useMutation(DENY_REQUESTS);
  const [retried, retry] = useMutation(RETRY_REQUEST);
  const [reason, setReason] = useState('');
  const [denying, setDenying] = useState(false);
  const [note, setNote] = useState<string | undefined>();
  useLive(PRIVACY_REQUEST_UPDATED, { id }, () => refetch({ requestPolicy: 'network-only' }), id === '');
  const request = read.data?.privacyRequest;

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
      <DetailHead
        back="/privacy-requests"
        list="Privacy requests"
        title="Privacy request"
        result={read}
        what="the privacy request"
        errorTitle="The privacy request could not be read"
      />
      {request && (
        <>
          <dl className="facts">
            <Fact term="Id" className="mono">
              {request.id}
            </Fact>
            <Fact term="Status" field="status">
              <Badge value={request.status} />
            </Fact>
            <Fact term="Policy">
              {request.policyName} <span className="muted mono">({request.policyKey})</span>
            </Fact>
            <Fact term="Requested">
              <Time iso={request.requestedAt} />
            </Fact>
            <Fact term="Days left">{request.daysLeft ?? '—'}</Fact>
            <Fact term="Locale">{request.locale ?? '—'}</Fact>
            <Fact term="Reviewed">
              {request.reviewedAt ? (
                <>
                  <Time iso={request.reviewedAt} /> by {request.reviewedBy ?? 'unknown'}
                </>
              ) : (
                'not yet'
              )}
            </Fact>
            <Fact term="Finished">
              <Time iso={request.finishedProcessingAt} />
            </Fact>
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
          <DataTable
            label="Messages of this request"
            columns={MESSAGE_COLUMNS}
            rows={request.messages}
            rowKey={(message) => message.id}
            empty="No message for this request yet."
          />

          <h2>Audit log</h2>
          <Timeline entries={request.auditLogs} empty="Nothing recorded yet.">
            {(log) => (
              <>
                <Time iso={log.createdAt} />: <strong>{words(log.action)}</strong>
                {log.userId ? ` by ${log.userId}` : ''}
                {log.message ? <span className="muted"> — {log.message}</span> : null}
              </>
            )}
          </Timeline>

          <h2>Execution log</h2>
          <Timeline entries={request.executionLogs} empty="No execution step recorded yet.">
            {(log) => (
              <>
                <Time iso={log.updatedAt} />: {words(log.actionType)} <Badge value={log.status} />
                {log.datasetName ? ` ${log.datasetName}${log.collectionName ? `.${log.collectionName}` : ''}` : ''}
                {log.message ? <span className="muted"> — {log.message}</span> : null}
              </>
            )}
          </Timeline>
        </>
      )}
    </section>
  );
}
