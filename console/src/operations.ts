// Every GraphQL operation the console sends, with the shapes it reads (typed by hand from schema.gql).
import { gql } from 'urql';

export const SERVICE_TYPES = ['MAILGUN', 'TWILIO_EMAIL', 'MAILCHIMP_TRANSACTIONAL', 'AWS_SES', 'SMTP', 'TWILIO_TEXT'] as const;
export type ServiceType = (typeof SERVICE_TYPES)[number];
export const EMAIL_SERVICE_TYPES: readonly ServiceType[] = SERVICE_TYPES.filter((type) => type !== 'TWILIO_TEXT');
export const SMS_SERVICE_TYPES: readonly ServiceType[] = ['TWILIO_TEXT'];

export const ACTION_TYPES = [
  'SUBJECT_IDENTITY_VERIFICATION',
  'PRIVACY_REQUEST_RECEIPT',
  'PRIVACY_REQUEST_REVIEW_APPROVE',
  'PRIVACY_REQUEST_REVIEW_DENY',
  'PRIVACY_REQUEST_COMPLETE_ACCESS',
  'PRIVACY_REQUEST_COMPLETE_DELETION',
  'PRIVACY_REQUEST_ERROR_NOTIFICATION',
  'MESSAGE_ERASURE_FULFILLMENT',
  'MESSAGE_ERASURE_BATCH_FULFILLMENT',
  'TEST_MESSAGE',
] as const;
export type ActionType = (typeof ACTION_TYPES)[number];
export const MESSAGE_STATUSES = ['queued', 'sending', 'sent', 'failed'] as const;
export const DELIVERY_STATUSES = ['unknown', 'deferred', 'delivered', 'undelivered', 'bounced', 'complained'] as const;

export const PRIVACY_REQUEST_STATUSES = [
  'PENDING',
  'IDENTITY_UNVERIFIED',
  'APPROVED',
  'IN_PROCESSING',
  'AWAITING_EMAIL_SEND',
  'REQUIRES_INPUT',
  'PAUSED',
  'COMPLETE',
  'DENIED',
  'CANCELED',
  'ERROR',
] as const;
export type PrivacyRequestStatus = (typeof PRIVACY_REQUEST_STATUSES)[number];

/** One page of a list, and the variables that choose it. */
export interface Page<Item> {
  items: Item[];
  page: number;
  size: number;
  total: number;
}
type Paging = { page: number; size: number };

// ---- Activity -------------------------------------------------------------------------------------------------------

export interface MessageRow {
  id: string;
  actionType: ActionType;
  status: string;
  deliveryStatus: string;
  serviceType: ServiceType | null;
  channel: string | null;
  recipient: string | null;
  attempts: number;
  failureReason: string | null;
  privacyRequestId: string | null;
  createdAt: string;
  updatedAt: string;
  sentAt: string | null;
}

// Field lists that several operations read are fragments, spread where they are read and appended once each.
const MESSAGE_ROW = gql`
  fragment ConsoleMessageRow on Message {
    id
    actionType
    status
    deliveryStatus
    serviceType
    channel
    recipient
    attempts
    failureReason
    privacyRequestId
    createdAt
    updatedAt
    sentAt
  }
`;

export interface MessageFilters {
  status?: string;
  deliveryStatus?: string;
  actionType?: ActionType;
  privacyRequestId?: string;
}

export const MESSAGES = gql<{ messages: Page<MessageRow> }, MessageFilters & Paging>`
  query ConsoleMessages($status: String, $deliveryStatus: String, $actionType: MessagingActionType, $privacyRequestId: String, $page: Int!, $size: Int!) {
    messages(status: $status, deliveryStatus: $deliveryStatus, actionType: $actionType, privacyRequestId: $privacyRequestId, page: $page, size: $size) {
      items {
        ...ConsoleMessageRow
      }
      page
      size
      total
    }
  }
  ${MESSAGE_ROW}
`;

export const MESSAGE_UPDATED = gql<{ messageUpdated: MessageRow }, MessageFilters>`
  subscription ConsoleMessageUpdated($status: String, $deliveryStatus: String, $actionType: MessagingActionType, $privacyRequestId: String) {
    messageUpdated(status: $status, deliveryStatus: $deliveryStatus, actionType: $actionType, privacyRequestId: $privacyRequestId) {
      ...ConsoleMessageRow
    }
  }
  ${MESSAGE_ROW}
`;

export interface MessageDetail extends MessageRow {
  providerMessageId: string | null;
  locale: string | null;
  requestedLocale: string | null;
  attemptLog: {
    number: number;
    outcome: string;
    reason: string | null;
    serviceType: ServiceType | null;
    statusCode: number | null;
    startedAt: string;
    finishedAt: string;
  }[];
  events: { type: string; serviceType: ServiceType; reason: string | null; occurredAt: string; receivedAt: string }[];
}

export const MESSAGE = gql<{ message: MessageDetail }, { id: string }>`
  query ConsoleMessage($id: ID!) {
    message(id: $id) {
      ...ConsoleMessageRow
      providerMessageId
      locale
      requestedLocale
      attemptLog {
        number
        outcome
        reason
        serviceType
        statusCode
        startedAt
        finishedAt
      }
      events {
        type
        serviceType
        reason
        occurredAt
        receivedAt
      }
    }
  }
  ${MESSAGE_ROW}
`;

export const RETRY_MESSAGE = gql<{ retryMessage: MessageRow }, { id: string }>`
  mutation ConsoleRetryMessage($id: ID!) {
    retryMessage(id: $id) {
      ...ConsoleMessageRow
    }
  }
  ${MESSAGE_ROW}
`;

// ---- Providers ------------------------------------------------------------------------------------------------------

export type ConfigDetails =
  | { __typename: 'MailgunDetails'; domain: string; apiVersion: string; isEuDomain: boolean; useProviderTemplate: boolean }
  | { __typename: 'TwilioEmailDetails'; twilioEmailFrom: string; useProviderTemplate: boolean }
  | { __typename: 'MailchimpTransactionalDetails'; emailFrom: string }
  // Aliased: their nullable emailFrom and domain would conflict with the other details' non-null ones in one selection.
  | { __typename: 'AwsSesDetails'; awsRegion: string; sesDomain: string | null; sesEmailFrom: string | null; configurationSetName: string | null }
  | { __typename: 'SmtpDetails'; host: string; port: number; security: string; emailFrom: string };

export interface MessagingConfig {
  key: string;
  name: string;
  serviceType: ServiceType;
  hasSecrets: boolean;
  lastTestSucceeded: boolean | null;
  lastTestTimestamp: string | null;
  updatedAt: string;
  details: ConfigDetails | null;
  /** Where its provider posts delivery events and whether Herald can verify them; null for SMTP. */
  deliveryEvents: { url: string; secretName: string; verifiable: boolean } | null;
}

const CONFIG = gql`
  fragment ConsoleConfig on MessagingConfig {
    key
    name
    serviceType
    hasSecrets
    lastTestSucceeded
    lastTestTimestamp
    updatedAt
    deliveryEvents {
      url
      secretName
      verifiable
    }
    details {
      __typename
      ... on MailgunDetails {
        domain
        apiVersion
        isEuDomain
        useProviderTemplate
      }
      ... on TwilioEmailDetails {
        twilioEmailFrom
        useProviderTemplate
      }
      ... on MailchimpTransactionalDetails {
        emailFrom
      }
      ... on AwsSesDetails {
        awsRegion
        sesDomain: domain
        sesEmailFrom: emailFrom
        configurationSetName
      }
      ... on SmtpDetails {
        host
        port
        security
        emailFrom
      }
    }
  }
`;

export const CONFIGS = gql<{ messagingConfigs: { items: MessagingConfig[]; total: number } }, Record<string, never>>`
  query ConsoleConfigs {
    messagingConfigs(page: 1, size: 100) {
      items {
        ...ConsoleConfig
      }
      total
    }
  }
  ${CONFIG}
`;

export interface NotificationSettings {
  notificationServiceType: ServiceType | null;
  emailFallbackServiceTypes: ServiceType[];
  smsFallbackServiceTypes: ServiceType[];
}

const SETTINGS = gql`
  fragment ConsoleNotificationSettings on NotificationSettings {
    notificationServiceType
    emailFallbackServiceTypes
    smsFallbackServiceTypes
  }
`;

const DEFAULT_STATUS = gql`
  fragment ConsoleDefaultStatus on MessagingDefaultStatus {
    configured
    configStatus
    detail
  }
`;

export const PROVIDER_STATUS = gql<
  {
    email: { configured: boolean; configStatus: string; detail: string };
    sms: { configured: boolean; configStatus: string; detail: string };
    notificationSettings: NotificationSettings;
  },
  Record<string, never>
>`
  query ConsoleProviderStatus {
    email: messagingDefaultStatus(messagingMethod: EMAIL) {
      ...ConsoleDefaultStatus
    }
    sms: messagingDefaultStatus(messagingMethod: SMS) {
      ...ConsoleDefaultStatus
    }
    notificationSettings {
      ...ConsoleNotificationSettings
    }
  }
  ${DEFAULT_STATUS}
  ${SETTINGS}
`;

export interface ProviderCircuit {
  serviceType: ServiceType;
  state: string;
  openUntil: string | null;
  recentFailures: number | null;
}

export const PROVIDER_CIRCUITS = gql<{ providerCircuits: ProviderCircuit[] }, Record<string, never>>`
  query ConsoleProviderCircuits {
    providerCircuits {
      serviceType
      state
      openUntil
      recentFailures
    }
  }
`;

export interface ConfigInput {
  key?: string;
  name: string;
  serviceType: ServiceType;
  mailgun?: { domain: string; apiVersion?: string; isEuDomain?: boolean; useProviderTemplate?: boolean };
  twilioEmail?: { twilioEmailFrom: string; useProviderTemplate?: boolean };
  mailchimpTransactional?: { emailFrom: string };
  awsSes?: { awsRegion: string; domain?: string | null; emailFrom?: string | null; configurationSetName?: string | null };
  smtp?: { host: string; port?: number; security?: string; emailFrom: string };
}

export const CREATE_CONFIG = gql<{ createMessagingConfig: MessagingConfig }, { input: ConfigInput }>`
  mutation ConsoleCreateConfig($input: MessagingConfigInput!) {
    createMessagingConfig(input: $input) {
      ...ConsoleConfig
    }
  }
  ${CONFIG}
`;

export const UPDATE_CONFIG = gql<{ updateMessagingConfig: MessagingConfig }, { key: string; input: ConfigInput }>`
  mutation ConsoleUpdateConfig($key: String!, $input: MessagingConfigInput!) {
    updateMessagingConfig(key: $key, input: $input) {
      ...ConsoleConfig
    }
  }
  ${CONFIG}
`;

export const SET_SECRETS = gql<{ setMessagingConfigSecrets: MessagingConfig }, { key: string; input: Record<string, Record<string, string>> }>`
  mutation ConsoleSetSecrets($key: String!, $input: MessagingSecretsInput!) {
    setMessagingConfigSecrets(key: $key, input: $input) {
      ...ConsoleConfig
    }
  }
  ${CONFIG}
`;

export const TEST_SERVICE = gql<
  { testMessagingService: { succeeded: boolean; details: string; config: MessagingConfig } },
  { serviceType: ServiceType; toIdentity: { email?: string; phoneNumber?: string } }
>`
  mutation ConsoleTestService($serviceType: MessagingServiceType!, $toIdentity: ToIdentityInput!) {
    testMessagingService(serviceType: $serviceType, toIdentity: $toIdentity) {
      succeeded
      details
      config {
        ...ConsoleConfig
      }
    }
  }
  ${CONFIG}
`;

export const UPDATE_NOTIFICATION_SETTINGS = gql<{ updateNotificationSettings: NotificationSettings }, { input: Partial<NotificationSettings> }>`
  mutation ConsoleUpdateNotificationSettings($input: NotificationSettingsInput!) {
    updateNotificationSettings(input: $input) {
      ...ConsoleNotificationSettings
    }
  }
  ${SETTINGS}
`;

// ---- Templates ------------------------------------------------------------------------------------------------------

export interface TemplateContent {
  subject: string;
  body: string;
  sms: string | null;
}

export interface MessagingTemplate {
  id: string;
  type: string;
  label: string;
  locale: string;
  isEnabled: boolean;
  updatedAt: string;
  content: TemplateContent;
}

const TEMPLATE_CONTENT = gql`
  fragment ConsoleTemplateContent on MessagingTemplateContent {
    subject
    body
    sms
  }
`;

const TEMPLATE = gql`
  fragment ConsoleTemplate on MessagingTemplate {
    id
    type
    label
    locale
    isEnabled
    updatedAt
    content {
      ...ConsoleTemplateContent
    }
  }
  ${TEMPLATE_CONTENT}
`;

export const TEMPLATES = gql<
  {
    messagingTemplates: { type: string; label: string }[];
    messagingTemplateSummary: { items: MessagingTemplate[]; total: number };
  },
  Record<string, never>
>`
  query ConsoleTemplates {
    messagingTemplates {
      type
      label
    }
    messagingTemplateSummary(page: 1, size: 100) {
      items {
        ...ConsoleTemplate
      }
      total
    }
  }
  ${TEMPLATE}
`;

export const TEMPLATE_PREVIEW = gql<
  { previewMessagingTemplate: { subject: string; html: string; text: string; sms: string; locale: string } },
  { type: string; input: { locale?: string; content: { subject: string; body: string; sms?: string | null } } }
>`
  query ConsoleTemplatePreview($type: String!, $input: MessagingTemplatePreviewInput) {
    previewMessagingTemplate(type: $type, input: $input) {
      subject
      html
      text
      sms
      locale
    }
  }
`;

export const TEMPLATE_DEFAULT = gql<{ messagingTemplateDefault: { content: TemplateContent } }, { type: string }>`
  query ConsoleTemplateDefault($type: String!) {
    messagingTemplateDefault(type: $type) {
      content {
        ...ConsoleTemplateContent
      }
    }
  }
  ${TEMPLATE_CONTENT}
`;

export const UPDATE_TEMPLATE = gql<
  { updateMessagingTemplate: MessagingTemplate },
  { id: string; input: { content?: Partial<TemplateContent>; isEnabled?: boolean } }
>`
  mutation ConsoleUpdateTemplate($id: ID!, $input: MessagingTemplateInput!) {
    updateMessagingTemplate(id: $id, input: $input) {
      ...ConsoleTemplate
    }
  }
  ${TEMPLATE}
`;

export const CREATE_TEMPLATE = gql<
  { createMessagingTemplate: MessagingTemplate },
  { type: string; input: { locale: string; isEnabled: boolean; content: Partial<TemplateContent> } }
>`
  mutation ConsoleCreateTemplate($type: String!, $input: MessagingTemplateInput!) {
    createMessagingTemplate(type: $type, input: $input) {
      ...ConsoleTemplate
    }
  }
  ${TEMPLATE}
`;

export const DELETE_TEMPLATE = gql<{ deleteMessagingTemplate: boolean }, { id: string }>`
  mutation ConsoleDeleteTemplate($id: ID!) {
    deleteMessagingTemplate(id: $id)
  }
`;

// ---- Suppressions ---------------------------------------------------------------------------------------------------

export interface Suppression {
  id: string;
  channel: string;
  cause: string;
  recipientHint: string;
  messageId: string | null;
  createdAt: string;
}

const SUPPRESSION = gql`
  fragment ConsoleSuppression on Suppression {
    id
    channel
    cause
    recipientHint
    messageId
    createdAt
  }
`;

export const SUPPRESSIONS = gql<{ suppressions: Page<Suppression> }, Paging>`
  query ConsoleSuppressions($page: Int!, $size: Int!) {
    suppressions(page: $page, size: $size) {
      items {
        ...ConsoleSuppression
      }
      page
      size
      total
    }
  }
  ${SUPPRESSION}
`;

export const ADD_SUPPRESSION = gql<{ addSuppression: Suppression }, { input: { email?: string; phoneNumber?: string } }>`
  mutation ConsoleAddSuppression($input: AddSuppressionInput!) {
    addSuppression(input: $input) {
      ...ConsoleSuppression
    }
  }
  ${SUPPRESSION}
`;

export const REMOVE_SUPPRESSION = gql<{ removeSuppression: boolean }, { id: string }>`
  mutation ConsoleRemoveSuppression($id: ID!) {
    removeSuppression(id: $id)
  }
`;

// ---- Privacy requests -----------------------------------------------------------------------------------------------

export interface PrivacyRequestRow {
  id: string;
  status: PrivacyRequestStatus;
  policyKey: string;
  policyName: string;
  requestedAt: string;
  createdAt: string;
  daysLeft: number | null;
  externalId: string | null;
  failureReason: string | null;
}

const REQUEST_ROW = gql`
  fragment ConsoleRequestRow on PrivacyRequest {
    id
    status
    policyKey
    policyName
    requestedAt
    createdAt
    daysLeft
    externalId
    failureReason
  }
`;

export interface PrivacyRequestFilters {
  statuses?: PrivacyRequestStatus[];
  requestId?: string;
  identity?: string;
}

export const PRIVACY_REQUESTS = gql<{ privacyRequests: Page<PrivacyRequestRow> }, PrivacyRequestFilters & Paging>`
  query ConsolePrivacyRequests($statuses: [PrivacyRequestStatus!], $requestId: String, $identity: String, $page: Int!, $size: Int!) {
    privacyRequests(statuses: $statuses, requestId: $requestId, identity: $identity, page: $page, size: $size) {
      items {
        ...ConsoleRequestRow
      }
      page
      size
      total
    }
  }
  ${REQUEST_ROW}
`;

export interface PrivacyRequestDetail extends PrivacyRequestRow {
  locale: string | null;
  failedStep: string | null;
  reviewedAt: string | null;
  reviewedBy: string | null;
  identityVerifiedAt: string | null;
  startedProcessingAt: string | null;
  finishedProcessingAt: string | null;
  messages: MessageRow[];
  auditLogs: { action: string; message: string | null; userId: string | null; createdAt: string }[];
  executionLogs: { actionType: string; status: string; datasetName: string | null; collectionName: string | null; message: string | null; updatedAt: string }[];
}

export const PRIVACY_REQUEST = gql<{ privacyRequest: PrivacyRequestDetail }, { id: string }>`
  query ConsolePrivacyRequest($id: ID!) {
    privacyRequest(id: $id) {
      ...ConsoleRequestRow
      locale
      failedStep
      reviewedAt
      reviewedBy
      identityVerifiedAt
      startedProcessingAt
      finishedProcessingAt
      messages {
        ...ConsoleMessageRow
      }
      auditLogs {
        action
        message
        userId
        createdAt
      }
      executionLogs {
        actionType
        status
        datasetName
        collectionName
        message
        updatedAt
      }
    }
  }
  ${REQUEST_ROW}
  ${MESSAGE_ROW}
`;

export const PRIVACY_REQUEST_UPDATED = gql<{ privacyRequestUpdated: PrivacyRequestRow }, { id?: string; statuses?: PrivacyRequestStatus[] }>`
  subscription ConsolePrivacyRequestUpdated($id: ID, $statuses: [PrivacyRequestStatus!]) {
    privacyRequestUpdated(id: $id, statuses: $statuses) {
      ...ConsoleRequestRow
    }
  }
  ${REQUEST_ROW}
`;

type ReviewResult = { succeeded: PrivacyRequestRow[]; failed: { privacyRequestId: string; message: string }[] };

const REVIEW_RESULT = gql`
  fragment ConsoleReviewResult on PrivacyRequestReviewResult {
    succeeded {
      ...ConsoleRequestRow
    }
    failed {
      privacyRequestId
      message
    }
  }
  ${REQUEST_ROW}
`;

export const APPROVE_REQUESTS = gql<{ approvePrivacyRequests: ReviewResult }, { ids: string[] }>`
  mutation ConsoleApprove($ids: [ID!]!) {
    approvePrivacyRequests(ids: $ids) {
      ...ConsoleReviewResult
    }
  }
  ${REVIEW_RESULT}
`;

export const DENY_REQUESTS = gql<{ denyPrivacyRequests: ReviewResult }, { ids: string[]; reason?: string }>`
  mutation ConsoleDeny($ids: [ID!]!, $reason: String) {
    denyPrivacyRequests(ids: $ids, reason: $reason) {
      ...ConsoleReviewResult
    }
  }
  ${REVIEW_RESULT}
`;

export const RETRY_REQUEST = gql<{ retryPrivacyRequest: PrivacyRequestRow }, { id: string }>`
  mutation ConsoleRetryRequest($id: ID!) {
    retryPrivacyRequest(id: $id) {
      ...ConsoleRequestRow
    }
  }
  ${REQUEST_ROW}
`;

export const AUTH_INFO = gql<{ authInfo: { clientId: string; root: boolean; scopes: string[] } }, Record<string, never>>`
  query ConsoleAuthInfo {
    authInfo {
      clientId
      root
      scopes
    }
  }
`;
