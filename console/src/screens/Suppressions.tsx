// Recipients Herald no longer sends to (bounces, complaints, or added here); addresses are masked by Herald.
import { useState, type FormEvent } from 'react';
import { useMutation, useQuery } from 'urql';
import { ADD_SUPPRESSION, REMOVE_SUPPRESSION, SUPPRESSIONS } from '../operations';
import { Empty, ErrorNote, Loading, PageTitle, Pager, Success, Time } from '../ui';

const CONTEXT = { additionalTypenames: ['Suppression'] };
const SIZE = 50;

export function Suppressions() {
  const [page, setPage] = useState(1);
  const [{ data, fetching, error }] = useQuery({ query: SUPPRESSIONS, variables: { page, size: SIZE }, context: CONTEXT });
  const [added, add] = useMutation(ADD_SUPPRESSION);
  const [removed, remove] = useMutation(REMOVE_SUPPRESSION);
  const [channel, setChannel] = useState<'email' | 'sms'>('email');
  const [recipient, setRecipient] = useState('');
  const [note, setNote] = useState<string | undefined>();

  async function submit(event: FormEvent) {
    event.preventDefault();
    setNote(undefined);
    const input = channel === 'email' ? { email: recipient.trim() } : { phoneNumber: recipient.trim() };
    const outcome = await add({ input }, CONTEXT);
    if (outcome.data) {
      setRecipient('');
      setNote(`Suppressed ${outcome.data.addSuppression.recipientHint}.`);
    }
  }

  async function unsuppress(id: string, hint: string) {
    setNote(undefined);
    const outcome = await remove({ id }, CONTEXT);
    if (!outcome.error) setNote(`Herald sends to ${hint} again.`);
  }

  const items = data?.suppressions.items ?? [];
  return (
    <section>
      <PageTitle text="Suppressions">Suppressions</PageTitle>
      <p className="muted">Herald sends nothing to these recipients. Bounces and complaints add them; you can add and remove them here.</p>
      <form className="panel inline-form" onSubmit={(event) => void submit(event)} aria-label="Add a suppression">
        <label className="inline">
          Channel{' '}
          <select name="channel" value={channel} onChange={(event) => setChannel(event.target.value as 'email' | 'sms')}>
            <option value="email">Email</option>
            <option value="sms">SMS</option>
          </select>
        </label>
        <label className="inline">
          {channel === 'email' ? 'Email address' : 'Phone number (E.164)'}{' '}
          <input
            name="recipient"
            type={channel === 'email' ? 'email' : 'tel'}
            required
            value={recipient}
            onChange={(event) => setRecipient(event.target.value)}
          />
        </label>
        <button type="submit" className="primary" disabled={added.fetching}>
          Add suppression
        </button>
      </form>
      <ErrorNote error={added.error} title="Not added" />
      <ErrorNote error={removed.error} title="Not removed" />
      {note && <Success>{note}</Success>}
      <ErrorNote error={error} title="The suppressions could not be read" />
      {fetching && !data && <Loading what="suppressions" />}
      {data && items.length === 0 && <Empty>No suppressed recipient.</Empty>}
      {items.length > 0 && (
        <div className="table-wrap" role="region" aria-label="Suppressed recipients" tabIndex={0}>
          <table className="data">
            <thead>
              <tr>
                <th scope="col">Recipient</th>
                <th scope="col">Channel</th>
                <th scope="col">Cause</th>
                <th scope="col">Since</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((item) => (
                <tr key={item.id} data-suppression-id={item.id}>
                  <td>{item.recipientHint}</td>
                  <td>{item.channel}</td>
                  <td>{item.cause}</td>
                  <td>
                    <Time iso={item.createdAt} />
                  </td>
                  <td>
                    <button
                      type="button"
                      onClick={() => void unsuppress(item.id, item.recipientHint)}
                      aria-label={`Remove the suppression of ${item.recipientHint}`}
                    >
                      Remove
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {data && <Pager label="Suppression" page={page} size={SIZE} total={data.suppressions.total} shown={items.length} onPage={setPage} />}
    </section>
  );
}
