import { Body, Controller, Head, HttpCode, Inject, Param, Post, Req } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { ApiBody, ApiConsumes, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Public } from '../../auth/index.js';
import { HeraldError, notFound } from '../../common/errors/herald.error.js';
import { MessagingServiceType } from '../../common/messaging-service-type.js';
import { Answers, RateLimited, Refuses } from '../../common/openapi.js';
import { KEEP_RAW_BODY, rawBodyOf } from '../../common/validation/hostile-input.js';
import { SETTINGS, type Settings } from '../../config/index.js';
import { clientAddress, RateLimitsService } from '../../rate-limits/index.js';
import { WebhookRefused } from '../providers/provider-webhook.js';
import { WEBHOOKS } from './delivery-events-setup.js';
import { WEBHOOK_RECEIPT } from './events.openapi.js';
import { WebhookIntakeService, type WebhookReceipt } from './webhook-intake.service.js';

/**
 * The providers' own formats: Mailgun's JSON object, Twilio's and Mandrill's forms (their top-level fields, as
 * properties), SendGrid's JSON array of events or SNS's message (JSON sent as text/plain) carrying SES's.
 */
const WEBHOOK_BODY = {
  description:
    "The provider's own event format: Mailgun's JSON object, Twilio's or Mandrill's form, SendGrid's JSON array of events, or an SNS message carrying an SES event",
  oneOf: [
    {
      type: 'object',
      properties: {
        signature: { type: 'object', description: 'Mailgun: timestamp, token and signature' },
        'event-data': { type: 'object', description: 'Mailgun: the event' },
        MessageSid: { type: 'string', description: 'Twilio' },
        MessageStatus: { type: 'string', description: 'Twilio' },
        ErrorCode: { type: 'string', description: 'Twilio' },
        mandrill_events: { type: 'string', description: 'Mandrill: a JSON array of events' },
        Type: { type: 'string', description: 'SNS (AWS SES events, sent as text/plain): Notification, SubscriptionConfirmation or UnsubscribeConfirmation' },
        Message: { type: 'string', description: 'SNS: the SES event, as JSON text' },
        Signature: { type: 'string', description: "SNS: base64 RSA signature under SNS's certificate at SigningCertURL" },
      },
    },
    { type: 'array', items: { type: 'object' } },
  ],
};

/** The path segment of each service type's webhook: Fides' lower-case service type names. */
const WEBHOOK_TYPES: Readonly<Record<string, MessagingServiceType>> = Object.fromEntries(
  Object.entries(WEBHOOKS).map(([serviceType, webhook]) => [webhook.segment, serviceType as MessagingServiceType]),
);
const NO_EVENTS = `Delivery events are taken for ${Object.keys(WEBHOOK_TYPES).join(', ')}`;

@ApiTags('Delivery events')
@Controller('messaging/webhooks')
export class WebhooksController {
  constructor(
    private readonly intake: WebhookIntakeService,
    private readonly rateLimits: RateLimitsService,
    @Inject(SETTINGS) private readonly settings: Settings,
  ) {}

  /**
   * Decision D26: no token; the provider's signature is the credential. Refused calls count against the caller's
   * address (D18), so guessing costs the same as at the token route; signed calls are never limited.
   */
  @Post(':service_type')
  @Public()
  @HttpCode(200)
  @RouteConfig(KEEP_RAW_BODY)
  @ApiOperation({
    summary:
      "A provider's delivery events, in its own format and signed its way (Mailgun webhook, Twilio status callback, SendGrid event webhook, Mandrill webhook, SES events through an SNS HTTPS subscription)",
  })
  @ApiParam({ name: 'service_type', enum: Object.keys(WEBHOOK_TYPES) })
  @ApiConsumes('application/json', 'application/x-www-form-urlencoded', 'text/plain')
  @ApiBody({ schema: WEBHOOK_BODY })
  @Answers(200, WEBHOOK_RECEIPT)
  @Refuses(401, 'Missing, wrong or stale signature, or no secret to check it with (for SNS: a topic not configured); nothing was recorded')
  @Refuses(404, 'Not a service type with delivery events')
  @Refuses(503, "SNS's signing certificate could not be fetched, or SNS did not confirm a subscription; SNS retries")
  @RateLimited('too many refused webhook calls from this address')
  async receive(@Param('service_type') type: string, @Body() body: unknown, @Req() request: FastifyRequest): Promise<WebhookReceipt> {
    const serviceType = WEBHOOK_TYPES[type.toLowerCase()];
    if (!serviceType) throw notFound(NO_EVENTS);
    try {
      return await this.intake.receive(serviceType, {
        // What the provider called: Herald's public address and the path and query as they arrived (Twilio signs it).
        url: `${this.settings.publicUrl}${request.url}`,
        headers: request.headers,
        body,
        rawBody: rawBodyOf(request),
        now: new Date(),
      });
    } catch (error) {
      if (!(error instanceof WebhookRefused)) throw error;
      // Over the limit: 429 instead of 401.
      await this.rateLimits.charge([{ limit: 'webhookFailuresPerAddress', subject: clientAddress(request.ip) }]);
      throw new HeraldError('unauthenticated', error.detail);
    }
  }

  /** Mandrill checks that a webhook's URL exists (a HEAD request) before it adds the webhook: no body, no signature. */
  @Head(':service_type')
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: 'Answers 200 for a service type with delivery events (Mandrill checks its webhook URL this way)' })
  @ApiParam({ name: 'service_type', enum: Object.keys(WEBHOOK_TYPES) })
  @ApiResponse({ status: 200, description: 'The webhook URL exists (no body)' })
  @Refuses(404, 'Not a service type with delivery events')
  probe(@Param('service_type') type: string): void {
    if (!WEBHOOK_TYPES[type.toLowerCase()]) throw notFound(NO_EVENTS);
  }
}
