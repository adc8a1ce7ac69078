// One message: its attempts (provider, outcome, reason), its delivery events, and a retry when it failed.
import { Link, useParams } from 'react-router-dom';
import { useMutation, useQuery } from 'urql';
import { DataTable, type Column } from '../data-table';
import { DetailHead, Fact, Timeline } from '../detail';
import { MESSAGE, MESSAGE_UPDATED, RETRY_MESSAGE, type MessageDetail } from '../operations';
import { useLive } from '../use-live';
import { Badge, ErrorNote, Success, Time, words } from '../ui';

const ATTEMPT_COLUMNS: Column<MessageDetail['attemptLog'][number]>[] = [
  { header: '#', cell: (attempt) => attempt.number },
  { header: 'Provider', cell: (attempt) => (attempt.serviceType ? words(attempt.serviceType) : 'none chosen') },
  { header: 'Outcome', cell: (attempt) => <Badge value={attempt.outcome} /> },
  { header: 'HTTP status', cell: (attempt) => attempt.statusCode ?? '—' },
  { header: 'Reason', cell: (attempt) => attempt.reason ?? '—' },
  { header: 'Started', cell: (attempt) => <Time iso={attempt.startedAt} /> },
  { header: 'Finished', cell: (attempt) => <Time iso={attempt.finishedAt} /> },
];

export function MessageDetailScreen() {
  const { id = '' } = useParams();
  const [read, refetch] = useQuery({ query: MESSAGE, variables: { id } });
  const [retry, runRetry] = useMutation(RETRY_MESSAGE);
  // Any change to this message reads it again (attempts and events come with the full read only).
  useLive(MESSAGE_UPDATED, {}, ({ messageUpdated }) => {
    if (messageUpdated.id === id) refetch({ requestPolicy: 'network-only' });
  });
  const message = read.data?.message;

  return (
    <section>
      <DetailHead back="/activity" list="Activity" title="Message" result={read} what="the message" errorTitle="The message could not be read" />
      {message && (
        <>
          <dl className="facts">
            <Fact term="Id" className="mono">
              {message.id}
            </Fact>
            <Fact term="Action">{words(message.actionType)}</Fact>
            <Fact term="Status" field="status">
              <Badge value={message.status} />
            </Fact>
            <Fact term="Delivery status" field="deliveryStatus">
              <Badge value={message.deliveryStatus} />
            </Fact>
            <Fact term="Provider">{message.serviceType ? words(message.serviceType) : 'not chosen yet'}</Fact>
            <Fact term="Recipient">{message.recipient ?? '—'}</Fact>
            <Fact term="Provider's message id" className="mono">
              {message.providerMessageId ?? '—'}
            </Fact>
            <Fact term="Created">
              <Time iso={message.createdAt} />
            </Fact>
            <Fact term="Sent">
              <Time iso={message.sentAt} />
            </Fact>
            <Fact term="Locale">{message.locale === null ? 'not rendered yet' : message.locale || 'base text'}</Fact>
            {message.privacyRequestId && (
              <Fact term="Privacy request">
                <Link to={`/privacy-requests/${message.privacyRequestId}`}>{message.privacyRequestId}</Link>
              </Fact>
            )}
          </dl>
          {message.failureReason && (
            <div className="note note-error">
              <strong>Failure reason:</strong> {message.failureReason}
            </div>
          )}
          {message.status === 'failed' && (
            <div className="actions">
              <button type="button" className="primary" disabled={retry.fetching} onClick={() => void runRetry({ id: message.id })}>
                {retry.fetching ? 'Retrying…' : 'Retry this message'}
              </button>
            </div>
          )}
          <ErrorNote error={retry.error} title="The message was not retried" />
          {retry.data && <Success>Queued again: it is sent with the next attempt.</Success>}

          <h2>Attempts</h2>
          <DataTable label="Attempts" columns={ATTEMPT_COLUMNS} rows={message.attemptLog ?? []} rowKey={(attempt) => attempt.number} empty="No attempt yet." />

          <h2>Delivery events</h2>
          <Timeline entries={message.events ?? []} empty="No delivery event from the provider yet.">
            {(event) => (
              <>
                <Badge value={event.type} /> from {words(event.serviceType)} at <Time iso={event.occurredAt} />
                {event.reason && <span className="muted"> — {event.reason}</span>}
              </>
            )}
          </Timeline>
        </>
      )}
    </section>
  );
}
