import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { FindOptionsWhere, Repository } from 'typeorm';
import { pageTotal } from '../../common/database/page-total.js';
import { notFound } from '../../common/errors/herald.error.js';
import { Page, pageOffset, toPage } from '../../common/pagination.js';
import type { DeliveryStatus } from '../events/delivery-status.js';
import { MessageEventEntity } from '../events/message-event.entity.js';
import { MessageAttemptEntity, MessageEntity, type MessageStatus } from './message.entity.js';

export interface MessageFilter {
  status?: MessageStatus;
  actionType?: string;
  privacyRequestId?: string;
  deliveryStatus?: DeliveryStatus;
}

/** Reading the outbox: what was sent, to whom (masked), how it went. */
@Injectable()
export class MessagesService {
  constructor(
    @InjectRepository(MessageEntity) private readonly messages: Repository<MessageEntity>,
    @InjectRepository(MessageAttemptEntity) private readonly attempts: Repository<MessageAttemptEntity>,
    @InjectRepository(MessageEventEntity) private readonly events: Repository<MessageEventEntity>,
  ) {}

  async list(page: { page: number; size: number }, filter: MessageFilter): Promise<Page<MessageEntity>> {
    const where: FindOptionsWhere<MessageEntity> = {};
    if (filter.status) where.status = filter.status;
    if (filter.actionType) where.actionType = filter.actionType;
    if (filter.privacyRequestId) where.privacyRequestId = filter.privacyRequestId;
    if (filter.deliveryStatus) where.deliveryStatus = filter.deliveryStatus;
    // Newest first, `id DESC` breaking ties: the order of the (filter, created_at DESC, id DESC) indexes.
    const items = await this.messages.find({ where, order: { createdAt: 'DESC', id: 'DESC' }, skip: pageOffset(page), take: page.size });
    const { total } = await pageTotal(this.messages.createQueryBuilder().setFindOptions({ where }), page, items.length);
    return toPage(items, total, page);
  }

  /** One message with its attempts and its delivery events (the timeline, oldest first). */
  async get(id: string): Promise<{ message: MessageEntity; attempts: MessageAttemptEntity[]; events: MessageEventEntity[] }> {
    const message = /^[0-9a-f-]{36}$/i.test(id) ? await this.messages.findOneBy({ id }) : null;
    if (!message) throw notFound(`No message found with id ${id}`);
    const [attempts, events] = await Promise.all([
      this.attempts.find({ where: { messageId: id }, order: { number: 'ASC' } }),
      this.events.find({ where: { messageId: id }, order: { occurredAt: 'ASC', receivedAt: 'ASC', id: 'ASC' } }),
    ]);
    return { message, attempts, events };
  }
}
