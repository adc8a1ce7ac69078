import { Inject, Injectable } from '@nestjs/common';
import { MessagingServiceType } from '../../../common/messaging-service-type.js';
import { SETTINGS, type Settings } from '../../../config/index.js';
import { configurationError } from '../delivery-error.mapper.js';
import type { DeliveryReceipt, MessagingProvider, OutgoingMessage, ProviderContext } from '../messaging-provider.js';
import { lazySdk } from '../lazy-sdk.js';
import type { AwsSesClients } from './aws-ses.clients.js';
import { AWS_SES as PROVIDER, toAwsSesDeliveryError } from './aws-ses.errors.js';
import { awsSesTarget } from './aws-ses.target.js';

const UTF8 = 'UTF-8';

/** @aws-sdk/client-sesv2, with Herald's clients of it (which load @aws-sdk/client-sts for an assumed role). */
const sesSdk = lazySdk(async () => {
  const [{ SendEmailCommand }, { AwsSesClients }] = await Promise.all([import('@aws-sdk/client-sesv2'), import('./aws-ses.clients.js')]);
  return { SendEmailCommand, AwsSesClients };
});

/**
 * Email through Amazon SES v2 (`SendEmail` with Simple content), via @aws-sdk/client-sesv2 (decision D33). Before
 * sending, the config's identities must be verified in SES (Fides' check, cached per config for a few minutes).
 */
@Injectable()
export class AwsSesProvider implements MessagingProvider {
  readonly serviceType = MessagingServiceType.AWS_SES;
  readonly channel = 'email' as const;
  /** The time the identity and credential caches read; a test may replace it to see minutes pass. */
  now: () => number = () => Date.now();
  private clients: AwsSesClients | undefined;

  constructor(@Inject(SETTINGS) private readonly settings: Settings) {}

  async send(message: OutgoingMessage, context: ProviderContext): Promise<DeliveryReceipt> {
    if (message.channel !== 'email') throw configurationError(PROVIDER, `cannot send ${message.channel} messages`);
    const target = awsSesTarget(context, this.settings.providers.awsSesAssumeRoleArn);
    if (message.html === '' && message.text === '') throw configurationError(PROVIDER, 'the message has neither html nor text');
    const timeoutMs = context.timeoutMs ?? this.settings.providers.timeoutMs;
    const abortSignal = AbortSignal.timeout(timeoutMs);
    try {
      const { SendEmailCommand, AwsSesClients } = await sesSdk();
      const { awsSesEndpointUrl, awsStsEndpointUrl, timeoutMs: callTimeoutMs } = this.settings.providers;
      this.clients ??= new AwsSesClients({ sesEndpoint: awsSesEndpointUrl, stsEndpoint: awsStsEndpointUrl, timeoutMs: callTimeoutMs, now: () => this.now() });
      const ses = this.clients.for(target);
      await ses.checkIdentities(target, abortSignal);
      const result = await ses.client.send(
        new SendEmailCommand({
          FromEmailAddress: target.source,
          Destination: { ToAddresses: [message.to.trim()] },
          Content: {
            Simple: {
              Subject: { Data: message.subject, Charset: UTF8 },
              // SES refuses an empty part; Fides itself sends only the html.
              Body: {
                ...(message.html !== '' && { Html: { Data: message.html, Charset: UTF8 } }),
                ...(message.text !== '' && { Text: { Data: message.text, Charset: UTF8 } }),
              },
            },
          },
          // Comes back in SES's event notifications; a UUID fits the tag's alphabet.
          EmailTags: [{ Name: 'herald_message_id', Value: message.messageId }],
          ...(target.configurationSet && { ConfigurationSetName: target.configurationSet }),
        }),
        { abortSignal },
      );
      return { providerMessageId: result.MessageId ?? null };
    } catch (error) {
      // The key pair only: `auth_method`'s words and the role ARN are no secret, and an ARN in a reason helps.
      const secrets = [target.auth.accessKeyId, target.auth.secretAccessKey];
      throw toAwsSesDeliveryError(error, { recipient: message.to, secrets }, timeoutMs);
    }
  }
}
