import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { FindOptionsWhere, Repository } from 'typeorm';
import { notFound } from '../../common/errors/herald.error.js';
import { Page, pageOffset, toPage } from '../../common/pagination.js';
import { MessageAttemptEntity, MessageEntity, type MessageStatus } from './message.entity.js';

export interface MessageFilter {
  status?: MessageStatus;
  actionType?: string;
  privacyRequestId?: string;
}

/** Reading the outbox: what was sent, to whom (masked), how it went. */
@Injectable()
export class MessagesService {
  constructor(
    @InjectRepository(MessageEntity) private readonly messages: Repository<MessageEntity>,
    @InjectRepository(MessageAttemptEntity) private readonly attempts: Repository<MessageAttemptEntity>,
  ) {}

  async list(page: { page: number; size: number }, filter: MessageFilter): Promise<Page<MessageEntity>> {
    const where: FindOptionsWhere<MessageEntity> = {};
    if (filter.status) where.status = filter.status;
    if (filter.actionType) where.actionType = filter.actionType;
    if (filter.privacyRequestId) where.privacyRequestId = filter.privacyRequestId;
    const [items, total] = await this.messages.findAndCount({ where, order: { createdAt: 'DESC', id: 'ASC' }, skip: pageOffset(page), take: page.size });
    return toPage(items, total, page);
  }

  async get(id: string): Promise<{ message: MessageEntity; attempts: MessageAttemptEntity[] }> {
    const message = /^[0-9a-f-]{36}$/i.test(id) ? await this.messages.findOneBy({ id }) : null;
    if (!message) throw notFound(`No message found with id ${id}`);
    return { message, attempts: await this.attempts.find({ where: { messageId: id }, order: { number: 'ASC' } }) };
  }
}
