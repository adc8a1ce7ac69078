// Messaging providers: their configs (secrets shown as set or not, never their values), create and edit, whether
// the active email and SMS providers could send, a test message, the fallback order and the circuit breakers.
import { useEffect, useState, type ChangeEvent, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import { useMutation, useQuery } from 'urql';
import {
  CONFIGS,
  CREATE_CONFIG,
  EMAIL_SERVICE_TYPES,
  PROVIDER_CIRCUITS,
  PROVIDER_STATUS,
  SERVICE_TYPES,
  SET_SECRETS,
  SMS_SERVICE_TYPES,
  TEST_SERVICE,
  UPDATE_CONFIG,
  UPDATE_NOTIFICATION_SETTINGS,
  type MessagingConfig,
  type ServiceType,
} from '../operations';
import { DataTable, actionsColumn, type Column } from '../data-table';
import { QueryState } from '../query-state';
import { Badge, Empty, ErrorNote, Loading, Options, PageTitle, Success, Time, words } from '../ui';
import { DETAIL_FIELDS, SECRET_FIELDS, configInput, detailValues, secretsInput, type FieldSpec, type FormValues } from './provider-fields';

const MUTATION_CONTEXT = { additionalTypenames: ['MessagingConfig', 'NotificationSettings'] };

export function Providers() {
  const [list] = useQuery({ query: CONFIGS, variables: {}, context: MUTATION_CONTEXT });
  const [editing, setEditing] = useState<MessagingConfig | 'new' | undefined>();
  const configs = list.data?.messagingConfigs.items ?? [];
  const columns: Column<MessagingConfig>[] = [
    { header: 'Name', cell: (config) => config.name },
    { header: 'Key', className: 'mono', cell: (config) => config.key },
    { header: 'Provider', cell: (config) => words(config.serviceType) },
    { header: 'Details', cell: detailSummary },
    { header: 'Secrets', cell: (config) => (config.hasSecrets ? <Badge value="set" /> : <span className="badge badge-bad">not set</span>) },
    {
      header: 'Last test',
      cell: (config) =>
        config.lastTestTimestamp ? (
          <>
            <Badge value={config.lastTestSucceeded ? 'sent' : 'failed'} /> <Time iso={config.lastTestTimestamp} />
          </>
        ) : (
          'never'
        ),
    },
    { header: 'Delivery events', cell: deliveryEventsCell },
    actionsColumn((config) => (
      <button type="button" onClick={() => setEditing(config)} aria-label={`Edit ${config.name}`}>
        Edit
      </button>
    )),
  ];
  return (
    <section>
      <PageTitle text="Providers">Providers</PageTitle>
      <StatusPanel />
      <h2>Configurations</h2>
      <QueryState result={list} what="configurations" errorTitle="The configurations could not be read" isEmpty={configs.length === 0}>
        No provider is configured yet. Add one to start sending.
      </QueryState>
      <DataTable label="Configurations" columns={columns} rows={configs} rowKey={(config) => config.key} keyAttribute="data-config-key" />
      {editing === undefined ? (
        <div className="actions">
          <button type="button" className="primary" onClick={() => setEditing('new')}>
            Add a provider
          </button>
        </div>
      ) : (
        <ConfigEditor key={editing === 'new' ? 'new' : editing.key} config={editing === 'new' ? undefined : editing} onDone={() => setEditing(undefined)} />
      )}
      <TestPanel configs={configs} />
      <FallbackPanel />
      <CircuitPanel />
    </section>
  );
}

/** The webhook to give the provider, and whether its calls can be verified (else each is refused with a 401). */
function deliveryEventsCell(config: MessagingConfig) {
  const events = config.deliveryEvents;
  if (!events) return <span className="muted">none ({words(config.serviceType)} reports no delivery)</span>;
  return (
    <>
      {events.verifiable ? <Badge value="verified" /> : <span className="badge badge-bad">{events.secretName} not set</span>}{' '}
      <code className="mono small" data-field="webhookUrl">
        {events.url}
      </code>
    </>
  );
}

function detailSummary(config: MessagingConfig): string {
  const details = config.details;
  if (!details) return '—';
  switch (details.__typename) {
    case 'MailgunDetails':
      return `${details.domain} (${details.apiVersion}${details.isEuDomain ? ', EU' : ''})`;
    case 'TwilioEmailDetails':
      return details.twilioEmailFrom;
    case 'MailchimpTransactionalDetails':
      return details.emailFrom;
    case 'AwsSesDetails':
      return [details.awsRegion, details.sesEmailFrom ?? details.sesDomain].filter(Boolean).join(', ');
    case 'SmtpDetails':
      return `${details.host}:${details.port} (${details.security}), from ${details.emailFrom}`;
  }
}

function StatusPanel() {
  const [{ data, error }] = useQuery({ query: PROVIDER_STATUS, variables: {}, context: MUTATION_CONTEXT });
  return (
    <div className="panel" aria-label="Sending status" role="group">
      <h2>Status</h2>
      <ErrorNote error={error} title="The status could not be read" />
      {data ? (
        <ul className="plain">
          <li>
            Email: <Badge value={data.email.configured ? 'configured' : 'not configured'} /> {data.email.detail}
          </li>
          <li>
            SMS: <Badge value={data.sms.configured ? 'configured' : 'not configured'} /> {data.sms.detail}
          </li>
          <li>
            Active email provider:{' '}
            {data.notificationSettings.notificationServiceType ? words(data.notificationSettings.notificationServiceType) : 'none chosen'}
          </li>
        </ul>
      ) : (
        !error && <Loading what="the status" />
      )}
    </div>
  );
}

function Fields({ fields, values, onChange, idPrefix }: { fields: FieldSpec[]; values: FormValues; onChange: (values: FormValues) => void; idPrefix: string }) {
  const set = (name: string, value: string | boolean) => onChange({ ...values, [name]: value });
  return (
    <>
      {fields.map((field) => {
        const value = values[field.name];
        const hintId = field.hint ? `${idPrefix}-${field.name}-hint` : undefined;
        // What the select, text area and text input share.
        const control = {
          name: field.name,
          value: typeof value === 'string' ? value : '',
          onChange: (event: ChangeEvent<HTMLSelectElement | HTMLTextAreaElement | HTMLInputElement>) => set(field.name, event.target.value),
          'aria-describedby': hintId,
        };
        if (field.kind === 'checkbox') {
          return (
            <label key={field.name} className="check">
              <input type="checkbox" name={field.name} checked={value === true} onChange={(event) => set(field.name, event.target.checked)} /> {field.label}
            </label>
          );
        }
        return (
          <div key={field.name} className="field">
            <label>
              {field.label}
              {field.required ? ' (required)' : ''}
              {field.kind === 'select' ? (
                <select {...control}>
                  <option value="">{field.required ? 'Choose…' : 'Default'}</option>
                  <Options values={field.options!} />
                </select>
              ) : field.kind === 'textarea' ? (
                <textarea {...control} rows={3} spellCheck={false} />
              ) : (
                <input
                  {...control}
                  type={field.kind === 'secret' ? 'password' : field.kind === 'number' ? 'number' : 'text'}
                  autoComplete={field.kind === 'secret' ? 'new-password' : 'off'}
                  required={field.required}
                  spellCheck={false}
                />
              )}
            </label>
            {field.hint && (
              <span className="hint" id={hintId}>
                {field.hint}
              </span>
            )}
          </div>
        );
      })}
    </>
  );
}

function ConfigEditor({ config, onDone }: { config: MessagingConfig | undefined; onDone: () => void }) {
  const [serviceType, setServiceType] = useState<ServiceType>(config?.serviceType ?? 'MAILGUN');
  const [name, setName] = useState(config?.name ?? '');
  const [key, setKey] = useState(config?.key ?? '');
  const [details, setDetails] = useState<FormValues>(() => detailValues(config?.details ?? null));
  const [secrets, setSecrets] = useState<FormValues>({});
  const [created, create] = useMutation(CREATE_CONFIG);
  const [updated, update] = useMutation(UPDATE_CONFIG);
  const [secretsSaved, saveSecrets] = useMutation(SET_SECRETS);
  const [saved, setSaved] = useState<string | undefined>();

  async function submit(event: FormEvent) {
    event.preventDefault();
    setSaved(undefined);
    const input = configInput(serviceType, name.trim(), key.trim(), details);
    const result = config ? await update({ key: config.key, input }, MUTATION_CONTEXT) : await create({ input }, MUTATION_CONTEXT);
    if (result.error) return;
    const savedKey = config ? result.data && 'updateMessagingConfig' in result.data && result.data.updateMessagingConfig.key : undefined;
    const stored = savedKey || (result.data && 'createMessagingConfig' in result.data ? result.data.createMessagingConfig.key : config?.key);
    const anySecret = Object.values(secrets).some((value) => typeof value === 'string' && value.trim() !== '');
    if (anySecret && stored) {
      const secretResult = await saveSecrets({ key: stored, input: secretsInput(serviceType, secrets) }, MUTATION_CONTEXT);
      if (secretResult.error) return;
      setSecrets({});
    }
    setSaved(`Saved ${name.trim()}${anySecret ? ' and its secrets' : ''}.`);
  }

  const error = created.error ?? updated.error;
  const busy = created.fetching || updated.fetching || secretsSaved.fetching;
  return (
    <form className="panel stack narrow" onSubmit={(event) => void submit(event)} aria-labelledby="config-editor-title">
      <h2 id="config-editor-title">{config ? `Edit ${config.name}` : 'Add a provider'}</h2>
      <label>
        Provider
        <select
          name="serviceType"
          value={serviceType}
          disabled={config !== undefined}
          onChange={(event) => {
            setServiceType(event.target.value as ServiceType);
            setDetails({});
            setSecrets({});
          }}
        >
          <Options values={SERVICE_TYPES} text={words} />
        </select>
      </label>
      <label>
        Name (required)
        <input name="name" required value={name} onChange={(event) => setName(event.target.value)} />
      </label>
      <div className="field">
        <label>
          Key
          <input name="key" value={key} onChange={(event) => setKey(event.target.value)} aria-describedby="config-key-hint" spellCheck={false} />
        </label>
        <span className="hint" id="config-key-hint">
          {config ? 'a different key renames the configuration' : 'made from the name when left blank'}
        </span>
      </div>
      <fieldset>
        <legend>Details</legend>
        {DETAIL_FIELDS[serviceType].length === 0 ? <p className="muted">This provider has no details besides its secrets.</p> : null}
        <Fields fields={DETAIL_FIELDS[serviceType]} values={details} onChange={setDetails} idPrefix="details" />
      </fieldset>
      <fieldset>
        <legend>Secrets</legend>
        <p className="muted small">
          {config?.hasSecrets
            ? 'Secrets are set. They are never shown; fill these in only to replace them all.'
            : 'No secrets yet: the provider cannot send without them.'}
        </p>
        <Fields fields={SECRET_FIELDS[serviceType]} values={secrets} onChange={setSecrets} idPrefix="secrets" />
      </fieldset>
      <ErrorNote error={error} title="Not saved" />
      <ErrorNote error={secretsSaved.error} title="The secrets were not saved" />
      {saved && <Success>{saved}</Success>}
      <div className="actions">
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Saving…' : config ? 'Save changes' : 'Add provider'}
        </button>
        <button type="button" onClick={onDone}>
          {saved ? 'Close' : 'Cancel'}
        </button>
      </div>
    </form>
  );
}

function TestPanel({ configs }: { configs: MessagingConfig[] }) {
  const types = [...new Set(configs.map((config) => config.serviceType))];
  const [serviceType, setServiceType] = useState<ServiceType | ''>('');
  const [recipient, setRecipient] = useState('');
  const [result, run] = useMutation(TEST_SERVICE);
  const chosen = serviceType || types[0];
  const sms = chosen === 'TWILIO_TEXT';
  const outcome = result.data?.testMessagingService;

  function submit(event: FormEvent) {
    event.preventDefault();
    if (!chosen) return;
    void run({ serviceType: chosen, toIdentity: sms ? { phoneNumber: recipient.trim() } : { email: recipient.trim() } }, MUTATION_CONTEXT);
  }

  return (
    <form className="panel stack narrow" onSubmit={submit} aria-labelledby="test-title">
      <h2 id="test-title">Send a test message</h2>
      {types.length === 0 ? (
        <Empty>Add a provider first.</Empty>
      ) : (
        <>
          <label>
            Through
            <select name="testServiceType" value={chosen} onChange={(event) => setServiceType(event.target.value as ServiceType)}>
              <Options values={types} text={words} />
            </select>
          </label>
          <label>
            {sms ? 'To phone number (E.164)' : 'To email address'}
            <input name="testRecipient" type={sms ? 'tel' : 'email'} required value={recipient} onChange={(event) => setRecipient(event.target.value)} />
          </label>
          <div className="actions">
            <button type="submit" className="primary" disabled={result.fetching}>
              {result.fetching ? 'Sending… (up to 15 s)' : 'Send test message'}
            </button>
          </div>
          <ErrorNote error={result.error} title="No test message" />
          {outcome && (
            <div className={`note ${outcome.succeeded ? 'note-ok' : 'note-error'}`} role="status">
              {outcome.succeeded ? 'Sent: ' : 'Not sent: '}
              {outcome.details} <Link to="/activity?actionType=TEST_MESSAGE">See it in Activity</Link>
            </div>
          )}
        </>
      )}
    </form>
  );
}

function FallbackPanel() {
  const [{ data, error }] = useQuery({ query: PROVIDER_STATUS, variables: {}, context: MUTATION_CONTEXT });
  const settings = data?.notificationSettings;
  return (
    <div className="panel" role="group" aria-labelledby="fallback-title">
      <h2 id="fallback-title">Fallback order</h2>
      <p className="muted">After a retryable failure, later attempts of a message turn to these providers, in this order.</p>
      <ErrorNote error={error} title="The settings could not be read" />
      {settings && (
        <FallbackEditor active={settings.notificationServiceType} email={settings.emailFallbackServiceTypes} sms={settings.smsFallbackServiceTypes} />
      )}
    </div>
  );
}

function FallbackEditor({ active, email, sms }: { active: ServiceType | null; email: ServiceType[]; sms: ServiceType[] }) {
  const [activeType, setActiveType] = useState<ServiceType | ''>(active ?? '');
  const [emailOrder, setEmailOrder] = useState(email);
  const [smsOrder, setSmsOrder] = useState(sms);
  const [result, save] = useMutation(UPDATE_NOTIFICATION_SETTINGS);
  const [saved, setSaved] = useState(false);
  // The settings query refetches after any provider change; it must neither wipe an operator's unsaved edits nor the
  // "saved" notice, so the form follows the server only while it holds no edits of its own.
  const [dirty, setDirty] = useState(false);
  const serverState = JSON.stringify([active, email, sms]);
  useEffect(() => {
    if (dirty) return;
    setActiveType(active ?? '');
    setEmailOrder(email);
    setSmsOrder(sms);
  }, [serverState]); // by value: a refetch that returns the same settings changes nothing

  function edit<T>(set: (value: T) => void) {
    return (value: T) => {
      set(value);
      setDirty(true);
      setSaved(false);
    };
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    setSaved(false);
    const input = { emailFallbackServiceTypes: emailOrder, smsFallbackServiceTypes: smsOrder, ...(activeType ? { notificationServiceType: activeType } : {}) };
    const outcome = await save({ input }, MUTATION_CONTEXT);
    if (!outcome.error) {
      setDirty(false);
      setSaved(true);
    }
  }

  return (
    <form className="stack narrow" onSubmit={(event) => void submit(event)}>
      <label>
        Active email provider
        <select name="notificationServiceType" value={activeType} onChange={(event) => edit(setActiveType)(event.target.value as ServiceType)}>
          <option value="">None chosen</option>
          <Options values={EMAIL_SERVICE_TYPES} text={words} />
        </select>
      </label>
      <OrderEditor legend="Email fallbacks" choices={EMAIL_SERVICE_TYPES} order={emailOrder} onChange={edit(setEmailOrder)} />
      <OrderEditor legend="SMS fallbacks" choices={SMS_SERVICE_TYPES} order={smsOrder} onChange={edit(setSmsOrder)} />
      <ErrorNote error={result.error} title="Not saved" />
      {saved && <Success>The fallback order is saved.</Success>}
      <div className="actions">
        <button type="submit" className="primary" disabled={result.fetching}>
          Save fallback order
        </button>
      </div>
    </form>
  );
}

function OrderEditor({
  legend,
  choices,
  order,
  onChange,
}: {
  legend: string;
  choices: readonly ServiceType[];
  order: ServiceType[];
  onChange: (order: ServiceType[]) => void;
}) {
  const left = choices.filter((type) => !order.includes(type));
  const [adding, setAdding] = useState<ServiceType | ''>('');
  const move = (index: number, by: number) => {
    const next = [...order];
    const [item] = next.splice(index, 1);
    next.splice(index + by, 0, item);
    onChange(next);
  };
  const toAdd = adding && left.includes(adding) ? adding : left[0];
  return (
    <fieldset>
      <legend>{legend}</legend>
      {order.length === 0 ? (
        <p className="muted">None: a failed attempt is retried on the same provider.</p>
      ) : (
        <ol className="order">
          {order.map((type, index) => (
            <li key={type}>
              <span>{words(type)}</span>
              <button type="button" onClick={() => move(index, -1)} disabled={index === 0} aria-label={`Move ${words(type)} up`}>
                ↑
              </button>
              <button type="button" onClick={() => move(index, 1)} disabled={index === order.length - 1} aria-label={`Move ${words(type)} down`}>
                ↓
              </button>
              <button type="button" onClick={() => onChange(order.filter((item) => item !== type))} aria-label={`Remove ${words(type)}`}>
                Remove
              </button>
            </li>
          ))}
        </ol>
      )}
      {left.length > 0 && (
        <div className="inline-form">
          <label className="inline">
            Add{' '}
            <select value={toAdd} onChange={(event) => setAdding(event.target.value as ServiceType)}>
              <Options values={left} text={words} />
            </select>
          </label>
          <button type="button" onClick={() => toAdd && onChange([...order, toAdd])}>
            Add to {legend.toLowerCase()}
          </button>
        </div>
      )}
    </fieldset>
  );
}

function CircuitPanel() {
  const [circuits, refetch] = useQuery({ query: PROVIDER_CIRCUITS, variables: {}, requestPolicy: 'network-only' });
  const data = circuits.data;
  return (
    <div className="panel" role="group" aria-labelledby="circuits-title">
      <h2 id="circuits-title">Circuit breakers</h2>
      <p className="muted">A provider that keeps failing is paused (open) for a while; its messages wait or fall back.</p>
      <QueryState result={circuits} what="circuit states" errorTitle="The circuit states could not be read" isEmpty={data?.providerCircuits.length === 0}>
        No circuits: add a provider and its circuit shows here.
      </QueryState>
      {data && data.providerCircuits.length > 0 && (
        <ul className="plain">
          {data.providerCircuits.map((circuit) => (
            <li key={circuit.serviceType} data-circuit={circuit.serviceType}>
              {words(circuit.serviceType)}: <Badge value={circuit.state} />
              {circuit.openUntil && (
                <>
                  {' '}
                  until <Time iso={circuit.openUntil} />
                </>
              )}
              {circuit.recentFailures ? <span className="muted"> ({circuit.recentFailures} failures in a row)</span> : null}
            </li>
          ))}
        </ul>
      )}
      <div className="actions">
        <button type="button" onClick={() => refetch({ requestPolicy: 'network-only' })}>
          Refresh circuit states
        </button>
      </div>
    </div>
  );
}
