// Message templates: the six customizable types, each with its locale variants; an editor (subject, body) whose
// preview follows the text as it is typed (rendered by Herald, stored and sent nowhere), save, and the built-in text.
import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router-dom';
import { useClient, useMutation, useQuery } from 'urql';
import { CREATE_TEMPLATE, DELETE_TEMPLATE, TEMPLATES, TEMPLATE_DEFAULT, TEMPLATE_PREVIEW, UPDATE_TEMPLATE, type MessagingTemplate } from '../operations';
import { QueryState } from '../query-state';
import { Badge, Empty, ErrorNote, Loading, PageTitle, Success, Time, errorText, useDebounced } from '../ui';

const CONTEXT = { additionalTypenames: ['MessagingTemplate'] };
const localeName = (locale: string): string => (locale === '' ? 'Base (every locale without its own)' : locale);

export function Templates() {
  const [read] = useQuery({ query: TEMPLATES, variables: {}, context: CONTEXT });
  const data = read.data;
  const [params, setParams] = useSearchParams();
  const types = data?.messagingTemplates ?? [];
  const type = params.get('type') ?? types[0]?.type;
  const variants = useMemo(
    () => (data?.messagingTemplateSummary.items ?? []).filter((item) => item.type === type).sort((a, b) => a.locale.localeCompare(b.locale)),
    [data, type],
  );
  const selectedId = params.get('id');
  const selected = variants.find((item) => item.id === selectedId) ?? variants.find((item) => item.locale === '') ?? variants[0];
  const choose = (next: Record<string, string>) => setParams(next);

  return (
    <section>
      <PageTitle text="Templates">Templates</PageTitle>
      <p className="muted">
        What Herald&apos;s messages say. Use <code>__VARIABLE__</code> placeholders such as <code>__CODE__</code>; the preview fills them with samples.
      </p>
      <QueryState result={read} what="templates" errorTitle="The templates could not be read" />
      {data && (
        <div className="split">
          <nav aria-label="Template types" className="side">
            <h2 className="small-heading">Types</h2>
            <ul>
              {types.map((item) => (
                <li key={item.type}>
                  <button
                    type="button"
                    className={item.type === type ? 'side-item current' : 'side-item'}
                    aria-current={item.type === type ? 'true' : undefined}
                    onClick={() => choose({ type: item.type })}
                  >
                    {item.label}
                  </button>
                </li>
              ))}
            </ul>
          </nav>
          <div className="grow">
            {type && (
              <>
                <h2>{types.find((item) => item.type === type)?.label ?? type}</h2>
                <div className="variants" role="group" aria-label="Locale variants">
                  {variants.map((variant) => (
                    <button
                      key={variant.id}
                      type="button"
                      className={variant.id === selected?.id ? 'chip current' : 'chip'}
                      aria-pressed={variant.id === selected?.id}
                      onClick={() => choose({ type, id: variant.id })}
                    >
                      {localeName(variant.locale)} {variant.isEnabled ? '' : '(disabled)'}
                    </button>
                  ))}
                </div>
                <NewVariant type={type} onCreated={(template) => choose({ type, id: template.id })} />
                {selected ? <TemplateEditor key={selected.id} template={selected} /> : <Empty>No template of this type.</Empty>}
              </>
            )}
          </div>
        </div>
      )}
    </section>
  );
}

function NewVariant({ type, onCreated }: { type: string; onCreated: (template: MessagingTemplate) => void }) {
  const [locale, setLocale] = useState('');
  const [result, create] = useMutation(CREATE_TEMPLATE);
  const client = useClient();
  async function submit(event: FormEvent) {
    event.preventDefault();
    // A new variant starts from the built-in text.
    const builtIn = await client.query(TEMPLATE_DEFAULT, { type }).toPromise();
    const content = builtIn.data?.messagingTemplateDefault.content ?? { subject: '', body: '' };
    const outcome = await create(
      { type, input: { locale: locale.trim(), isEnabled: true, content: { subject: content.subject, body: content.body } } },
      CONTEXT,
    );
    if (outcome.data) {
      setLocale('');
      onCreated(outcome.data.createMessagingTemplate);
    }
  }
  return (
    <form className="inline-form" onSubmit={(event) => void submit(event)}>
      <label className="inline">
        New locale variant{' '}
        <input name="locale" value={locale} required placeholder="e.g. es-MX" onChange={(event) => setLocale(event.target.value)} size={10} />
      </label>
      <button type="submit" disabled={result.fetching}>
        Add variant
      </button>
      <ErrorNote error={result.error} title="No new variant" />
    </form>
  );
}

function TemplateEditor({ template }: { template: MessagingTemplate }) {
  const [subject, setSubject] = useState(template.content.subject);
  const [body, setBody] = useState(template.content.body);
  const [enabled, setEnabled] = useState(template.isEnabled);
  const [note, setNote] = useState<string | undefined>();
  const [saved, save] = useMutation(UPDATE_TEMPLATE);
  const [deleted, remove] = useMutation(DELETE_TEMPLATE);
  const [defaultError, setDefaultError] = useState<string | undefined>();
  const client = useClient();
  const dirty = subject !== template.content.subject || body !== template.content.body || enabled !== template.isEnabled;

  const content = useDebounced({ subject, body }, 350);
  const previewVariables = useMemo(() => ({ type: template.type, input: { locale: template.locale, content } }), [template.type, template.locale, content]);
  const [preview] = useQuery({ query: TEMPLATE_PREVIEW, variables: previewVariables, requestPolicy: 'network-only' });
  const [shown, setShown] = useState(preview.data?.previewMessagingTemplate);
  useEffect(() => {
    if (preview.data) setShown(preview.data.previewMessagingTemplate);
  }, [preview.data]);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setNote(undefined);
    const outcome = await save({ id: template.id, input: { content: { subject, body }, isEnabled: enabled } }, CONTEXT);
    if (outcome.error) return;
    // Only an enabled template is used: a disabled one is kept but messages keep the built-in text.
    setNote(enabled ? 'Saved. New messages of this type use it.' : 'Saved, but disabled: new messages keep the built-in text until it is enabled.');
  }

  async function loadBuiltIn() {
    setDefaultError(undefined);
    const builtIn = await client.query(TEMPLATE_DEFAULT, { type: template.type }, { requestPolicy: 'network-only' }).toPromise();
    if (builtIn.error || !builtIn.data) return setDefaultError(errorText(builtIn.error));
    setSubject(builtIn.data.messagingTemplateDefault.content.subject);
    setBody(builtIn.data.messagingTemplateDefault.content.body);
    setNote('The built-in text is in the editor: save to use it.');
  }

  return (
    <div className="editor-grid">
      <form className="panel stack" onSubmit={(event) => void submit(event)} aria-label="Template editor">
        <p className="muted small">
          {localeName(template.locale)} · {template.isEnabled ? <Badge value="enabled" /> : <Badge value="disabled" />} · changed{' '}
          <Time iso={template.updatedAt} />
        </p>
        <label>
          Subject
          <input name="subject" value={subject} onChange={(event) => setSubject(event.target.value)} />
        </label>
        <label>
          Body (HTML)
          <textarea name="body" rows={12} value={body} onChange={(event) => setBody(event.target.value)} spellCheck={false} />
        </label>
        <label className="check">
          <input type="checkbox" name="isEnabled" checked={enabled} onChange={(event) => setEnabled(event.target.checked)} /> Enabled (messages use it)
        </label>
        <ErrorNote error={saved.error} title="Not saved" />
        <ErrorNote error={deleted.error} title="Not deleted" />
        {defaultError && (
          <div className="note note-error" role="alert">
            The built-in text could not be read: {defaultError}
          </div>
        )}
        {note && <Success>{note}</Success>}
        <div className="actions">
          <button type="submit" className="primary" disabled={saved.fetching || !dirty}>
            Save template
          </button>
          <button type="button" onClick={() => void loadBuiltIn()}>
            Reset to the built-in text
          </button>
          {template.locale !== '' && (
            <button type="button" className="danger" onClick={() => void remove({ id: template.id }, CONTEXT)} disabled={deleted.fetching}>
              Delete this variant
            </button>
          )}
        </div>
      </form>
      <section className="panel preview" aria-labelledby="preview-title" aria-busy={preview.fetching}>
        <h3 id="preview-title">Preview</h3>
        <ErrorNote error={preview.error} title="No preview" />
        {shown ? (
          <>
            <p>
              <strong>Subject:</strong> <span data-preview="subject">{shown.subject}</span>
            </p>
            <iframe title="Preview of the email" sandbox="" srcDoc={shown.html} className="preview-frame" />
            <details>
              <summary>Plain-text part</summary>
              <pre data-preview="text">{shown.text}</pre>
            </details>
          </>
        ) : (
          !preview.error && <Loading what="the preview" />
        )}
      </section>
    </div>
  );
}
