import { createRequire } from 'node:module';
import type Handlebars from 'handlebars';
import { durationUnit, humanizeDuration, type BuiltInLanguage } from './humanize-duration.js';
import { MessagingActionType } from './messaging-action-type.js';
import * as sources from './message-template-sources.js';
import type { BuiltInTranslation, MessageTemplateSource } from './message-template-sources.js';
import { GERMAN } from './message-template-sources.de.js';
import { SPANISH } from './message-template-sources.es.js';
import { FRENCH } from './message-template-sources.fr.js';

// ---- Parameters per action (the names are Fides' body params, as stored with each message) ----

export interface SubjectIdentityVerificationParams {
  verification_code: string;
  verification_code_ttl_seconds: number;
}

export interface PrivacyRequestReceiptParams {
  /** The policy's action types with at least one rule, in the order to show (the caller picks a stable one). */
  request_types: string[];
}

export interface PrivacyRequestCompleteAccessParams {
  download_links: string[];
  /** The real lifetime of the links (`FIDES__SECURITY__SUBJECT_REQUEST_DOWNLOAD_LINK_TTL_SECONDS`), decision D8. */
  download_link_ttl_seconds: number;
}

export type PrivacyRequestCompleteDeletionParams = Record<string, never>;
export type PrivacyRequestReviewApproveParams = Record<string, never>;

export interface PrivacyRequestReviewDenyParams {
  /** Null (or empty) sends the text without a reason. */
  rejection_reason: string | null;
}

/** Fides' `ManualAction` (docs/compatibility.md#connections-and-datasets). */
export interface ErasureFulfillmentAction {
  locators: Record<string, unknown[]>;
  get: null;
  /** Field path → masking strategy; only the field paths are shown. Null or empty: nothing to erase. */
  update: Record<string, string> | null;
}

/** Fides' `CheckpointActionRequired` for one collection of the dataset. */
export interface ErasureFulfillmentCollection {
  /** The collection's name, without the dataset prefix. */
  collection: string;
  action_needed: ErasureFulfillmentAction[];
}

export interface MessageErasureFulfillmentParams {
  /** The email dataset the instructions are for (one email per dataset). Not shown in the message, as in Fides. */
  dataset_key: string;
  collections: ErasureFulfillmentCollection[];
}

/** Decision D34: the batch email to a vendor. `test` marks the connection test's copy (its subject says so). */
export interface MessageErasureBatchFulfillmentParams {
  organization: string;
  vendor: string;
  /** The identity values of every request of the batch, flattened. */
  identities: string[];
  test?: boolean;
}

/** Decision D30: how many privacy requests ended in error since the last alert. No identity, no request id. */
export interface PrivacyRequestErrorNotificationParams {
  failed_requests: number;
}

export type TestMessageParams = Record<string, never>;

export interface MessageParams {
  [MessagingActionType.SUBJECT_IDENTITY_VERIFICATION]: SubjectIdentityVerificationParams;
  [MessagingActionType.PRIVACY_REQUEST_RECEIPT]: PrivacyRequestReceiptParams;
  [MessagingActionType.PRIVACY_REQUEST_REVIEW_APPROVE]: PrivacyRequestReviewApproveParams;
  [MessagingActionType.PRIVACY_REQUEST_REVIEW_DENY]: PrivacyRequestReviewDenyParams;
  [MessagingActionType.PRIVACY_REQUEST_COMPLETE_ACCESS]: PrivacyRequestCompleteAccessParams;
  [MessagingActionType.PRIVACY_REQUEST_COMPLETE_DELETION]: PrivacyRequestCompleteDeletionParams;
  [MessagingActionType.MESSAGE_ERASURE_FULFILLMENT]: MessageErasureFulfillmentParams;
  [MessagingActionType.MESSAGE_ERASURE_BATCH_FULFILLMENT]: MessageErasureBatchFulfillmentParams;
  [MessagingActionType.PRIVACY_REQUEST_ERROR_NOTIFICATION]: PrivacyRequestErrorNotificationParams;
  [MessagingActionType.TEST_MESSAGE]: TestMessageParams;
}

export interface RenderedEmail {
  subject: string;
  /** A minimal HTML5 document; every value is HTML-escaped. */
  html: string;
  /** The same wording without markup; list items are lines starting with "- ". */
  text: string;
  /**
   * Fides' template variables of the message (`code`, `minutes`, `request_types`, `denial_reason`, `download_link`,
   * `days`), which a provider-side template (Mailgun's `fides`) receives beside the body. Absent: none.
   */
  variables?: Record<string, unknown>;
}

/** A message's parameters do not fit its template (a caller's bug, or a stored message from an older shape). */
export class MessageTemplateError extends Error {
  override name = 'MessageTemplateError';
}

// ---- Values the templates see ----

type View = Record<string, unknown>;

function fail(action: MessagingActionType, problem: string): never {
  throw new MessageTemplateError(`Invalid parameters for ${action}: ${problem}`);
}

function asObject(action: MessagingActionType, params: unknown): Record<string, unknown> {
  if (params === null || params === undefined) return {};
  if (typeof params !== 'object' || Array.isArray(params)) fail(action, 'expected an object');
  return params as Record<string, unknown>;
}

function stringList(action: MessagingActionType, params: Record<string, unknown>, key: string): string[] {
  const value = params[key];
  if (!Array.isArray(value) || value.length === 0 || !value.every((v) => typeof v === 'string')) {
    fail(action, `${key} must be a non-empty list of strings`);
  }
  return value;
}

function seconds(action: MessagingActionType, params: Record<string, unknown>, key: string): number {
  const value = params[key];
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) fail(action, `${key} must be a number of seconds >= 0`);
  return value;
}

/** Fides: 0 if ttl < 60 else floor(ttl / 60). */
export function verificationCodeTtlMinutes(ttlSeconds: number): number {
  return ttlSeconds < 60 ? 0 : Math.floor(ttlSeconds / 60);
}

/** A locator value as text (Jinja's `join` stringifies each value; nulls are dropped before they get here). */
function locatorValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  return JSON.stringify(value) ?? String(value);
}

function erasureView(action: MessagingActionType, params: Record<string, unknown>): View {
  if (typeof params.dataset_key !== 'string') fail(action, 'dataset_key must be a string');
  if (!Array.isArray(params.collections)) fail(action, 'collections must be a list');
  const collections = (params.collections as unknown[]).map((item, i) => {
    const c = asObject(action, item);
    if (typeof c.collection !== 'string') fail(action, `collections[${i}].collection must be a string`);
    if (!Array.isArray(c.action_needed)) fail(action, `collections[${i}].action_needed must be a list`);
    const actions = (c.action_needed as unknown[]).map((raw, j) => {
      const a = asObject(action, raw);
      const locators = asObject(action, a.locators);
      const update = a.update === null || a.update === undefined ? {} : asObject(action, a.update);
      return {
        locators: Object.entries(locators).map(([field, values]) => {
          if (!Array.isArray(values)) fail(action, `collections[${i}].action_needed[${j}].locators.${field} must be a list`);
          return { field, values: values.map(locatorValue).join(', ') };
        }),
        erase: Object.keys(update),
      };
    });
    return { collection: c.collection, actions };
  });
  return { dataset_key: params.dataset_key, collections };
}

/** French elides "de" before a vowel or a mute h: "demande d'accès", "demande de consentement". */
const frenchOf = (noun: string) => (/^[aeiouyhàâäéèêëîïôöûüœæ]/i.test(noun) ? `d'${noun}` : `de ${noun}`);

/**
 * The values a template sees. English keeps Fides' exact values (request types as given, lists joined with ","); a
 * translation names the request types in its language, joins lists with ", " and counts minutes in words.
 */
function buildView(action: MessagingActionType, raw: unknown, language: BuiltInLanguage): View {
  const params = asObject(action, raw);
  const translation = language === '' ? undefined : TRANSLATIONS[language];
  const join = (items: string[]) => items.join(translation ? ', ' : ',');
  switch (action) {
    case MessagingActionType.SUBJECT_IDENTITY_VERIFICATION: {
      if (typeof params.verification_code !== 'string' || params.verification_code === '') {
        fail(action, 'verification_code must be a non-empty string');
      }
      const minutes = verificationCodeTtlMinutes(seconds(action, params, 'verification_code_ttl_seconds'));
      return { verification_code: params.verification_code, minutes, minutes_text: durationUnit(minutes, 'minute', language) };
    }
    case MessagingActionType.PRIVACY_REQUEST_RECEIPT: {
      const given = stringList(action, params, 'request_types');
      const types = translation ? given.map((t) => translation.requestTypes[t] ?? t) : given;
      return { several: types.length > 1, first: types[0], first_of: frenchOf(types[0]), request_types: types, joined: join(types) };
    }
    case MessagingActionType.PRIVACY_REQUEST_COMPLETE_ACCESS: {
      const links = stringList(action, params, 'download_links');
      const lifetime = humanizeDuration(seconds(action, params, 'download_link_ttl_seconds'), language);
      return { several: links.length > 1, first: links[0], download_links: links, joined: join(links), lifetime };
    }
    case MessagingActionType.PRIVACY_REQUEST_REVIEW_DENY: {
      const reason = params.rejection_reason;
      if (reason !== null && reason !== undefined && typeof reason !== 'string') fail(action, 'rejection_reason must be a string or null');
      return { rejection_reason: reason ? reason : null };
    }
    case MessagingActionType.MESSAGE_ERASURE_FULFILLMENT:
      return erasureView(action, params);
    case MessagingActionType.MESSAGE_ERASURE_BATCH_FULFILLMENT: {
      for (const key of ['organization', 'vendor'] as const) {
        if (typeof params[key] !== 'string' || params[key] === '') fail(action, `${key} must be a non-empty string`);
      }
      return { organization: params.organization, vendor: params.vendor, identities: stringList(action, params, 'identities'), test: params.test === true };
    }
    case MessagingActionType.PRIVACY_REQUEST_ERROR_NOTIFICATION: {
      const count = params.failed_requests;
      if (typeof count !== 'number' || !Number.isInteger(count) || count < 1) fail(action, 'failed_requests must be an integer >= 1');
      return { failed_requests: count, several: count > 1 };
    }
    case MessagingActionType.PRIVACY_REQUEST_COMPLETE_DELETION:
    case MessagingActionType.PRIVACY_REQUEST_REVIEW_APPROVE:
    case MessagingActionType.TEST_MESSAGE:
      return {};
    default:
      throw new MessageTemplateError(`No corresponding template linked to the ${String(action)}`);
  }
}

// ---- Compilation (once per template, on first use) ----

const SOURCES: Record<MessagingActionType, MessageTemplateSource> = {
  [MessagingActionType.SUBJECT_IDENTITY_VERIFICATION]: sources.SUBJECT_IDENTITY_VERIFICATION,
  [MessagingActionType.PRIVACY_REQUEST_RECEIPT]: sources.PRIVACY_REQUEST_RECEIPT,
  [MessagingActionType.PRIVACY_REQUEST_REVIEW_APPROVE]: sources.PRIVACY_REQUEST_REVIEW_APPROVE,
  [MessagingActionType.PRIVACY_REQUEST_REVIEW_DENY]: sources.PRIVACY_REQUEST_REVIEW_DENY,
  [MessagingActionType.PRIVACY_REQUEST_COMPLETE_ACCESS]: sources.PRIVACY_REQUEST_COMPLETE_ACCESS,
  [MessagingActionType.PRIVACY_REQUEST_COMPLETE_DELETION]: sources.PRIVACY_REQUEST_COMPLETE_DELETION,
  [MessagingActionType.MESSAGE_ERASURE_FULFILLMENT]: sources.MESSAGE_ERASURE_FULFILLMENT,
  [MessagingActionType.MESSAGE_ERASURE_BATCH_FULFILLMENT]: sources.MESSAGE_ERASURE_BATCH_FULFILLMENT,
  [MessagingActionType.PRIVACY_REQUEST_ERROR_NOTIFICATION]: sources.PRIVACY_REQUEST_ERROR_NOTIFICATION,
  [MessagingActionType.TEST_MESSAGE]: sources.TEST_MESSAGE,
};

/**
 * An isolated environment: no global helpers or partials; only the built-in block helpers are known. Made on the first
 * template compiled, not at start-up (loading handlebars was part of every restart).
 */
let handlebars: typeof Handlebars | undefined;
const environment = () => (handlebars ??= (createRequire(import.meta.url)('handlebars') as typeof Handlebars).create());

type Compiled = (view: View) => string;

const compiled = new Map<string, Compiled>();

function compile(key: string, source: string, escape: boolean): Compiled {
  let template = compiled.get(key);
  if (!template) {
    // strict: a value missing from the view throws instead of rendering as nothing.
    const delegate = environment().compile<View>(source, { strict: true, knownHelpersOnly: true, noEscape: !escape });
    template = (view) => delegate(view);
    compiled.set(key, template);
  }
  return template;
}

/** Drops the blank lines the template sources start and end with. */
const trimBlankLines = (s: string) => s.replace(/^\n+|\n+$/g, '');

/** Built-in texts besides English (decision D32), by language subtag: only the six messages a subject receives. */
const TRANSLATIONS: Record<Exclude<BuiltInLanguage, ''>, BuiltInTranslation> = { es: SPANISH, fr: FRENCH, de: GERMAN };

const has = (object: object, key: string) => Object.prototype.hasOwnProperty.call(object, key);

/** Whether Herald has built-in wording for the action type in exactly this locale ('' is the English base). */
export function hasBuiltIn(action: MessagingActionType, locale: string): boolean {
  if (locale === '') return has(SOURCES, action);
  return has(TRANSLATIONS, locale) && has(TRANSLATIONS[locale as keyof typeof TRANSLATIONS].sources, action);
}

/** The source of the built-in text for exactly this locale; throws when there is none (see hasBuiltIn). */
function sourceFor(action: MessagingActionType, locale: string): { source: MessageTemplateSource; language: BuiltInLanguage } {
  if (!has(SOURCES, action)) throw new MessageTemplateError(`No corresponding template linked to the ${String(action)}`);
  if (locale === '') return { source: SOURCES[action], language: '' };
  if (!hasBuiltIn(action, locale)) throw new MessageTemplateError(`No built-in ${locale} text for ${action}`);
  const language = locale as Exclude<BuiltInLanguage, ''>;
  return { source: TRANSLATIONS[language].sources[action as keyof BuiltInTranslation['sources']], language };
}

/** Fides' template variables (§4.2 of its templates: the names a provider-side template knows). */
export function templateVariables(action: MessagingActionType, params: unknown): Record<string, unknown> {
  const view = buildView(action, params, '');
  switch (action) {
    case MessagingActionType.SUBJECT_IDENTITY_VERIFICATION:
      return { code: view.verification_code, minutes: view.minutes };
    case MessagingActionType.PRIVACY_REQUEST_RECEIPT:
      return { request_types: view.request_types };
    case MessagingActionType.PRIVACY_REQUEST_REVIEW_DENY:
      return { denial_reason: view.rejection_reason };
    case MessagingActionType.PRIVACY_REQUEST_COMPLETE_ACCESS: {
      const ttl = seconds(action, asObject(action, params), 'download_link_ttl_seconds');
      return { download_link: view.first, days: Math.floor(ttl / 86_400) };
    }
    default:
      return {};
  }
}

/**
 * The email for a message in the built-in text of exactly `locale` ('' = English, Fides' wording): subject, HTML
 * document, plain-text part and Fides' template variables. A locale without built-in text throws (hasBuiltIn).
 */
export function renderEmail<A extends MessagingActionType>(action: A, params: MessageParams[A], locale = ''): RenderedEmail {
  const { source, language } = sourceFor(action, locale);
  const view = buildView(action, params, language);
  const key = `${language}:${action}`;
  const main = trimBlankLines(compile(`${key}.html`, source.html, true)(view));
  const html = compile('layout.html', sources.HTML_LAYOUT, true)({ lang: language || 'en', title: source.title, main });
  const text = trimBlankLines(compile(`${key}.text`, source.text, false)(view));
  // Most subjects are fixed text; the batch email's names the organisation (rendered unescaped: a header, not HTML).
  const subject = compile(`${key}.subject`, source.subject, false)(view);
  return { subject, html, text, variables: templateVariables(action, params) };
}

/** The SMS text for a message in the built-in text of exactly `locale` ('' = English, exactly as Fides words it, with D8). */
export function renderSms<A extends MessagingActionType>(action: A, params: MessageParams[A], locale = ''): string {
  const { source, language } = sourceFor(action, locale);
  if (source.sms === undefined) {
    throw new MessageTemplateError(`Message action type ${action} is not implemented for SMS`);
  }
  return compile(`${language}:${action}.sms`, source.sms, false)(buildView(action, params, language));
}
