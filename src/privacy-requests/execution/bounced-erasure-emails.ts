import { Injectable } from '@nestjs/common';
import { DeliveryEventRecorder, MessagingActionType, type RecordedDeliveryEvent } from '../../notifications/index.js';
import { entriesOfMessages } from '../email-batch/email-batch-entries.js';
import { ExecutionLogEntity } from '../requests/privacy-request.entity.js';
import { messageKeyPrefix } from './execution-steps.js';

const ERASURE_EMAIL: string = MessagingActionType.MESSAGE_ERASURE_FULFILLMENT;
const BATCH_EMAIL: string = MessagingActionType.MESSAGE_ERASURE_BATCH_FULFILLMENT;
/** Not delivered, by the provider's word: what the execution log says of an erasure email. */
const NOT_DELIVERED = new Set<RecordedDeliveryEvent['type']>(['bounced', 'undelivered']);

/**
 * Decision D27: an erasure email the provider later reports bounced (or dropped) is written to its request's execution
 * log, in the transaction that records the event. The request's status stays as it is: the email had gone out, and a
 * bounced completion notice, likewise, puts nothing in error (it shows in the message's delivery status).
 */
@Injectable()
export class BouncedErasureEmails {
  constructor(deliveryEvents: DeliveryEventRecorder) {
    deliveryEvents.onDeliveryEvent({
      wants: (event) => event.privacyRequestId !== null && event.actionType === ERASURE_EMAIL && NOT_DELIVERED.has(event.type),
      write: async (events, manager) => {
        await manager.insert(
          ExecutionLogEntity,
          events.map((event) => {
            const dataset = datasetOf(event);
            const what = event.type === 'bounced' ? 'bounced' : 'was not delivered';
            return {
              privacyRequestId: event.privacyRequestId!,
              datasetName: dataset,
              collectionName: null,
              actionType: 'erasure',
              status: 'error',
              message: `The erasure email${dataset ? ` for '${dataset}'` : ''} ${what}${event.reason ? `: ${event.reason}` : ''}`,
            };
          }),
        );
      },
    });
    // A batch email (D34) belongs to no one request: the event is written to each request it listed.
    deliveryEvents.onDeliveryEvent({
      wants: (event) => event.actionType === BATCH_EMAIL && NOT_DELIVERED.has(event.type),
      write: async (events, manager) => {
        const entries = await entriesOfMessages(
          manager,
          events.map((e) => e.messageId),
        );
        const rows = events.flatMap((event) =>
          entries
            .filter((entry) => entry.messageId === event.messageId)
            .map((entry) => ({
              privacyRequestId: entry.privacyRequestId,
              datasetName: entry.connectionKey,
              collectionName: null,
              actionType: 'erasure',
              status: 'error',
              message: `The batch erasure email for '${entry.connectionName}' ${event.type === 'bounced' ? 'bounced' : 'was not delivered'}${event.reason ? `: ${event.reason}` : ''}`,
            })),
        );
        if (rows.length > 0) await manager.insert(ExecutionLogEntity, rows);
      },
    });
  }
}

/** The dataset an erasure email was for: its idempotency key is `<step prefix><dataset key>:<run attempt>`. */
function datasetOf(event: RecordedDeliveryEvent): string | null {
  const prefix = messageKeyPrefix(event.privacyRequestId!, 'erasure_email_post_send');
  const key = event.idempotencyKey;
  return key.startsWith(prefix) && key.lastIndexOf(':') > prefix.length ? key.slice(prefix.length, key.lastIndexOf(':')) : null;
}
