import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MESSAGING_CHANNEL, MessagingServiceType } from '../../common/messaging-service-type.js';
import { ConfigModule, loadSettings } from '../../config/index.js';
import { MailchimpTransactionalProvider } from './mailchimp-transactional/mailchimp-transactional.provider.js';
import { AwsSesProvider } from './aws-ses/aws-ses.provider.js';
import { MailgunProvider } from './mailgun/mailgun.provider.js';
import type { Channel, DeliveryReceipt, MessagingProvider } from './messaging-provider.js';
import { MessagingProviderRegistry } from './messaging-provider.registry.js';
import { ProvidersModule } from './providers.module.js';
import { SmtpProvider } from './smtp/smtp.provider.js';
import { TwilioEmailProvider } from './twilio-email/twilio-email.provider.js';
import { TwilioSmsProvider } from './twilio-sms/twilio-sms.provider.js';

class StubProvider implements MessagingProvider {
  constructor(
    readonly serviceType: MessagingServiceType,
    readonly channel: Channel,
  ) {}
  send(): Promise<DeliveryReceipt> {
    return Promise.resolve({ providerMessageId: null });
  }
}

const mailgun = new StubProvider(MessagingServiceType.MAILGUN, 'email');
const sms = new StubProvider(MessagingServiceType.TWILIO_TEXT, 'sms');
const email = new StubProvider(MessagingServiceType.TWILIO_EMAIL, 'email');
/** A stub for every other service type, so that the three above make a complete registry. */
const others = Object.values(MessagingServiceType)
  .filter((type) => ![MessagingServiceType.MAILGUN, MessagingServiceType.TWILIO_TEXT, MessagingServiceType.TWILIO_EMAIL].includes(type))
  .map((type) => new StubProvider(type, MESSAGING_CHANNEL[type]));

describe('MessagingProviderRegistry', () => {
  it('finds the provider of each service type', () => {
    const registry = new MessagingProviderRegistry([email, mailgun, sms, ...others]);
    expect(registry.get(MessagingServiceType.MAILGUN)).toBe(mailgun);
    expect(registry.get(MessagingServiceType.TWILIO_TEXT)).toBe(sms);
    expect(registry.get(MessagingServiceType.TWILIO_EMAIL)).toBe(email);
  });

  it('refuses two providers for one service type, naming it', () => {
    const second = new StubProvider(MessagingServiceType.TWILIO_TEXT, 'sms');
    expect(() => new MessagingProviderRegistry([mailgun, sms, email, ...others, second])).toThrow(
      'Two messaging providers for service type TWILIO_TEXT: StubProvider and StubProvider',
    );
  });

  it('refuses a service type without a provider, naming it', () => {
    expect(() => new MessagingProviderRegistry([mailgun, sms, ...others])).toThrow('No messaging provider for service type TWILIO_EMAIL');
    expect(() => new MessagingProviderRegistry([])).toThrow(`No messaging provider for service type ${Object.values(MessagingServiceType).join(', ')}`);
  });

  it('get refuses a value that is not a service type', () => {
    const registry = new MessagingProviderRegistry([mailgun, sms, email, ...others]);
    expect(() => registry.get('PIGEON' as MessagingServiceType)).toThrow('No messaging provider for service type PIGEON');
  });
});

describe('ProvidersModule', () => {
  it('binds the real providers to the registry', async () => {
    @Module({ imports: [ConfigModule.forRoot(loadSettings({})), ProvidersModule] })
    class RootModule {}
    const moduleRef = await NestFactory.createApplicationContext(RootModule, { logger: false });
    const registry = moduleRef.get(MessagingProviderRegistry);
    expect(registry.get(MessagingServiceType.MAILGUN)).toBeInstanceOf(MailgunProvider);
    expect(registry.get(MessagingServiceType.TWILIO_TEXT)).toBeInstanceOf(TwilioSmsProvider);
    expect(registry.get(MessagingServiceType.TWILIO_EMAIL)).toBeInstanceOf(TwilioEmailProvider);
    expect(registry.get(MessagingServiceType.MAILCHIMP_TRANSACTIONAL)).toBeInstanceOf(MailchimpTransactionalProvider);
    expect(registry.get(MessagingServiceType.SMTP)).toBeInstanceOf(SmtpProvider);
    expect(registry.get(MessagingServiceType.AWS_SES)).toBeInstanceOf(AwsSesProvider);
    expect(registry.get(MessagingServiceType.TWILIO_TEXT).channel).toBe('sms');
    await moduleRef.close();
  });
});
