import { Module } from '@nestjs/common';
import { MailchimpTransactionalProvider } from './mailchimp-transactional/mailchimp-transactional.provider.js';
import { AwsSesProvider } from './aws-ses/aws-ses.provider.js';
import { MailgunProvider } from './mailgun/mailgun.provider.js';
import { MESSAGING_PROVIDERS, type MessagingProvider } from './messaging-provider.js';
import { MessagingProviderRegistry } from './messaging-provider.registry.js';
import { SmtpProvider } from './smtp/smtp.provider.js';
import { TwilioEmailProvider } from './twilio-email/twilio-email.provider.js';
import { TwilioSmsProvider } from './twilio-sms/twilio-sms.provider.js';

/** Adding a provider: its folder, and its class in this list. */
const PROVIDER_CLASSES = [MailgunProvider, TwilioSmsProvider, TwilioEmailProvider, MailchimpTransactionalProvider, SmtpProvider, AwsSesProvider];

/** The messaging providers (one per service type) and the registry that picks one. Needs SETTINGS (global). */
@Module({
  providers: [
    ...PROVIDER_CLASSES,
    { provide: MESSAGING_PROVIDERS, useFactory: (...providers: MessagingProvider[]) => providers, inject: PROVIDER_CLASSES },
    MessagingProviderRegistry,
  ],
  exports: [MessagingProviderRegistry],
})
export class ProvidersModule {}
