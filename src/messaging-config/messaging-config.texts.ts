/**
 * The texts a dialect answers with: Fides' `/messaging/config` and GraphQL, or fidesops' `/email/config`. The service
 * never picks one: it throws `MessagingConfigNotFound` (messaging-config.errors.ts) and the transport words it.
 */
export interface ConfigTexts {
  notFound(key: string): string;
  secretsNotFound(key: string): string;
  secretsUpdated(key: string): string;
}

export const FIDES_TEXTS: ConfigTexts = {
  notFound: (key) => `No messaging config found with key ${key}`,
  secretsNotFound: (key) => `No messaging configuration with key ${key}.`,
  secretsUpdated: (key) => `Secrets updated for MessagingConfig with key: ${key}.`,
};

export const FIDESOPS_TEXTS: ConfigTexts = {
  notFound: (key) => `No email config found with key ${key}`,
  secretsNotFound: (key) => `No email configuration with key ${key}.`,
  secretsUpdated: (key) => `Secrets updated for EmailConfig with key: ${key}.`,
};
