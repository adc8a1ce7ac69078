// One message: its attempts (provider, outcome, reason), its delivery events, and a retry when it failed.
import { Link, useParams } from 'react-router-dom';
import { useMutation, useQuery } from 'urql';
import { MESSAGE, MESSAGE_UPDATED, RETRY_MESSAGE } from '../operations';
import { useLive } from '../use-live';
import { Badge, Empty, ErrorNote, Loading, PageTitle, Success, Time, words } from '../ui';

export function MessageDetailScreen() {
  const { id = '' } = useParams();
  const [{ data, fetching, error }, refetch] = useQuery({ query: MESSAGE, variables: { id } });
  const [retry, runRetry] = useMutation(RETRY_MESSAGE);
  // Any change to this message reads it again (attempts and events come with the full read only).
  useLive(MESSAGE_UPDATED, {}, ({ messageUpdated }) => {
    if (messageUpdated.id === id) refetch({ requestPolicy: 'network-only' });
  });
  const message = data?.message;

  return (
    <section>
      <p className="crumbs">
        <Link to="/activity">← Activity</Link>
      </p>
      <PageTitle text="Message">Message</PageTitle>
      <ErrorNote error={error} title="The message could not be read" />
      {fetching && !message && <Loading what="the message" />}
      {message && (
        <>
          <dl className="facts">
            <div>
              <dt>Id</dt>
              <dd className="mono">{message.id}</dd>
            </div>
            <div>
              <dt>Action</dt>
              <dd>{words(message.actionType)}</dd>
            </div>
            <div>
              <dt>Status</dt>
              <dd data-field="status">
                <Badge value={message.status} />
              </dd>
            </div>
            <div>
              <dt>Delivery status</dt>
              <dd data-field="deliveryStatus">
                <Badge value={message.deliveryStatus} />
              </dd>
            </div>
            <div>
              <dt>Provider</dt>
              <dd>{message.serviceType ? words(message.serviceType) : 'not chosen yet'}</dd>
            </div>
            <div>
              <dt>Recipient</dt>
              <dd>{message.recipient ?? '—'}</dd>
            </div>
            <div>
              <dt>Provider&apos;s message id</dt>
              <dd className="mono">{message.providerMessageId ?? '—'}</dd>
            </div>
            <div>
              <dt>Created</dt>
              <dd>
                <Time iso={message.createdAt} />
              </dd>
            </div>
            <div>
              <dt>Sent</dt>
              <dd>
                <Time iso={message.sentAt} />
              </dd>
            </div>
            <div>
              <dt>Locale</dt>
              <dd>{message.locale === null ? 'not rendered yet' : message.locale || 'base text'}</dd>
            </div>
            {message.privacyRequestId && (
              <div>
                <dt>Privacy request</dt>
                <dd>
                  <Link to={`/privacy-requests/${message.privacyRequestId}`}>{message.privacyRequestId}</Link>
                </dd>
              </div>
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
          {(message.attemptLog ?? []).length === 0 ? (
            <Empty>No attempt yet.</Empty>
          ) : (
            <div className="table-wrap" role="region" aria-label="Attempts" tabIndex={0}>
              <table className="data">
                <thead>
                  <tr>
                    <th scope="col">#</th>
                    <th scope="col">Provider</th>
                    <th scope="col">Outcome</th>
                    <th scope="col">HTTP status</th>
                    <th scope="col">Reason</th>
                    <th scope="col">Started</th>
                    <th scope="col">Finished</th>
                  </tr>
                </thead>
                <tbody>
                  {message.attemptLog.map((attempt) => (
                    <tr key={attempt.number}>
                      <td>{attempt.number}</td>
                      <td>{attempt.serviceType ? words(attempt.serviceType) : 'none chosen'}</td>
                      <td>
                        <Badge value={attempt.outcome} />
                      </td>
                      <td>{attempt.statusCode ?? '—'}</td>
                      <td>{attempt.reason ?? '—'}</td>
                      <td>
                        <Time iso={attempt.startedAt} />
                      </td>
                      <td>
                        <Time iso={attempt.finishedAt} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}

          <h2>Delivery events</h2>
          {(message.events ?? []).length === 0 ? (
            <Empty>No delivery event from the provider yet.</Empty>
          ) : (
            <ol className="timeline">
              {message.events.map((event, index) => (
                <li key={index}>
                  <Badge value={event.type} /> from {words(event.serviceType)} at <Time iso={event.occurredAt} />
                  {event.reason && <span className="muted"> — {event.reason}</span>}
                </li>
              ))}
            </ol>
          )}
        </>
      )}
    </section>
  );
}
