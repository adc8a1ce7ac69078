// Recipients Herald no longer sends to (bounces, complaints, or added here); addresses are masked by Herald.
import { useState, type FormEvent } from 'react';
import { useMutation, useQuery } from 'urql';
import { DataTable, actionsColumn, type Column } from '../data-table';
import { ADD_SUPPRESSION, REMOVE_SUPPRESSION, SUPPRESSIONS, type Suppression } from '../operations';
import { QueryState } from '../query-state';
import { ErrorNote, PageTitle, Pager, Success, Time } from '../ui';

const CONTEXT = { additionalTypenames: ['Suppression'] };
const SIZE = 50;

export function Suppressions() {
  const [page, setPage] = useState(1);
  const [list] = useQuery({ query: SUPPRESSIONS, variables: { page, size: SIZE }, context: CONTEXT });
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

  const columns: Column<Suppression>[] = [
    { header: 'Recipient', cell: (item) => item.recipientHint },
    { header: 'Channel', cell: (item) => item.channel },
    { header: 'Cause', cell: (item) => item.cause },
    { header: 'Since', cell: (item) => <Time iso={item.createdAt} /> },
    actionsColumn((item) => (
      <button type="button" onClick={() => void unsuppress(item.id, item.recipientHint)} aria-label={`Remove the suppression of ${item.recipientHint}`}>
        Remove
      </button>
    )),
  ];

  const data = list.data;
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
      <QueryState result={list} what="suppressions" errorTitle="The suppressions could not be read" isEmpty={items.length === 0}>
        No suppressed recipient.
      </QueryState>
      <DataTable label="Suppressed recipients" columns={columns} rows={items} rowKey={(item) => item.id} keyAttribute="data-suppression-id" />
      {data && <Pager label="Suppression" page={page} size={SIZE} total={data.suppressions.total} shown={items.length} onPage={setPage} />}
    </section>
  );
}
