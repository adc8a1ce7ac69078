import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository, type FindOptionsSelect } from 'typeorm';
import { ChangeFanout, ChangeFeed, type LiveSubscription } from '../../database/index.js';
import type { MessageObject } from '../messages.dto.js';
import { MessageEntity } from '../outbox/message.entity.js';
import { toMessageObject } from '../outbox/message.mapper.js';
import { isUuid } from '../../common/uuid.js';

/** What the `message` triggers announce of one change (the live-updates migration): `id|status|delivery_status`. */
interface MessageChange {
  id: string;
  status: string;
  deliveryStatus: string;
}

/** The arguments of `messageUpdated`: each one given must match. */
export interface MessageUpdateFilter {
  status?: string;
  deliveryStatus?: string;
  actionType?: string;
  privacyRequestId?: string;
}

/** Every column the message log shows; not the sealed payload. */
const SHOWN_COLUMNS: (keyof MessageEntity)[] = [
  'id',
  'actionType',
  'serviceType',
  'channel',
  'status',
  'deliveryStatus',
  'recipientHint',
  'privacyRequestId',
  'attempts',
  'providerMessageId',
  'failureReason',
  'requestedLocale',
  'locale',
  'createdAt',
  'updatedAt',
  'sentAt',
];
const SHOWN = Object.fromEntries(SHOWN_COLUMNS.map((column) => [column, true])) as FindOptionsSelect<MessageEntity>;

/**
 * Changes of messages as `messageUpdated` gives them: the Message of the message log (recipient masked), with the
 * status and delivery status the change announced (so a subscriber sees queued → sending → sent even when the row
 * moved on before it was read), the other fields as read once per batch of announcements.
 */
@Injectable()
export class MessageUpdates {
  private readonly fanout: ChangeFanout<MessageChange, MessageObject, MessageUpdateFilter>;

  constructor(feed: ChangeFeed, @InjectRepository(MessageEntity) messages: Repository<MessageEntity>) {
    this.fanout = new ChangeFanout(feed, {
      channel: 'herald_message',
      parse: (entry) => {
        const [id, status, deliveryStatus] = entry.split('|');
        return isUuid(id) && status && deliveryStatus ? { id, status, deliveryStatus } : undefined;
      },
      key: (change) => `${change.id}|${change.status}|${change.deliveryStatus}`,
      mayMatch: (filter, change) =>
        (filter.status === undefined || filter.status === change.status) &&
        (filter.deliveryStatus === undefined || filter.deliveryStatus === change.deliveryStatus),
      load: async (changes) => {
        const rows = await messages.find({ select: SHOWN, where: { id: In([...new Set(changes.map((c) => c.id))]) } });
        const byId = new Map(rows.map((row) => [row.id, toMessageObject(row)]));
        return changes.flatMap((change) => {
          const message = byId.get(change.id);
          return message ? [{ ...message, status: change.status, deliveryStatus: change.deliveryStatus }] : [];
        });
      },
      matches: (filter, message) =>
        (filter.status === undefined || filter.status === message.status) &&
        (filter.deliveryStatus === undefined || filter.deliveryStatus === message.deliveryStatus) &&
        (filter.actionType === undefined || filter.actionType === message.actionType) &&
        (filter.privacyRequestId === undefined || filter.privacyRequestId === message.privacyRequestId),
    });
  }

  open(filter: MessageUpdateFilter): LiveSubscription<MessageObject> {
    return this.fanout.open(filter);
  }

  /** This process's subscribers now. */
  get subscribers(): number {
    return this.fanout.size;
  }
}
