/** The messaging providers Herald can send through; values as Fides stores them. */
export enum MessagingServiceType {
  MAILGUN = 'MAILGUN',
  TWILIO_TEXT = 'TWILIO_TEXT',
  TWILIO_EMAIL = 'TWILIO_EMAIL',
  MAILCHIMP_TRANSACTIONAL = 'MAILCHIMP_TRANSACTIONAL',
  /** Herald's own type (decision D33): any SMTP server, through nodemailer. */
  SMTP = 'SMTP',
  AWS_SES = 'AWS_SES',
}

export const MESSAGING_SERVICE_TYPE_ALIASES: Readonly<Record<string, MessagingServiceType>> = {
  // Fides' docs say `twilio_sms`; Fides itself rejects it (decision D4 accepts it).
  TWILIO_SMS: MessagingServiceType.TWILIO_TEXT,
};

/** Case-insensitive parse with the `twilio_sms` alias; undefined when not a service type. */
export function parseMessagingServiceType(value: string): MessagingServiceType | undefined {
  const upper = value.trim().toUpperCase();
  if ((Object.values(MessagingServiceType) as string[]).includes(upper)) return upper as MessagingServiceType;
  return MESSAGING_SERVICE_TYPE_ALIASES[upper];
}

/** The channel each service type sends on: which fallback chain (decision D29) a type may appear in. */
export const MESSAGING_CHANNEL: Readonly<Record<MessagingServiceType, 'email' | 'sms'>> = {
  [MessagingServiceType.MAILGUN]: 'email',
  [MessagingServiceType.TWILIO_EMAIL]: 'email',
  [MessagingServiceType.TWILIO_TEXT]: 'sms',
  [MessagingServiceType.MAILCHIMP_TRANSACTIONAL]: 'email',
  [MessagingServiceType.SMTP]: 'email',
  [MessagingServiceType.AWS_SES]: 'email',
};

/** The service types of a channel, in the enum's order. */
export const serviceTypesOf = (channel: 'email' | 'sms'): MessagingServiceType[] =>
  Object.values(MessagingServiceType).filter((type) => MESSAGING_CHANNEL[type] === channel);
