import { Injectable } from '@nestjs/common';
import { ChangeFanout, ChangeFeed, type LiveSubscription } from '../../database/index.js';
import type { PrivacyRequestObject } from '../dto/privacy-request.graphql.js';
import { toPrivacyRequestObject } from './privacy-request.mapper.js';
import { PrivacyRequestsService } from './privacy-requests.service.js';

/** What the `privacy_request` triggers announce of one change (the live-updates migration): `id|status`. */
interface RequestChange {
  id: string;
  status: string;
}

/** The arguments of `privacyRequestUpdated`: one request, and/or some statuses. */
export interface RequestUpdateFilter {
  id?: string;
  statuses?: string[];
}

/**
 * Status changes of privacy requests as `privacyRequestUpdated` gives them: the PrivacyRequest of the query, with the
 * status the change announced (approve then a quick run still shows approved first), the rest as read once per batch.
 */
@Injectable()
export class PrivacyRequestUpdates {
  private readonly fanout: ChangeFanout<RequestChange, PrivacyRequestObject, RequestUpdateFilter>;

  constructor(feed: ChangeFeed, service: PrivacyRequestsService) {
    const matches = (filter: RequestUpdateFilter, change: { id: string; status: string }) =>
      (filter.id === undefined || filter.id === change.id) && (filter.statuses === undefined || filter.statuses.includes(change.status));
    this.fanout = new ChangeFanout<RequestChange, PrivacyRequestObject, RequestUpdateFilter>(feed, {
      channel: 'herald_privacy_request',
      parse: (entry) => {
        const [id, status] = entry.split('|');
        return id && status ? { id, status } : undefined;
      },
      key: (change) => `${change.id}|${change.status}`,
      mayMatch: matches,
      load: async (changes) => {
        const views = await service.getMany([...new Set(changes.map((c) => c.id))]);
        const byId = new Map(views.map((view) => [view.request.id, toPrivacyRequestObject(view)]));
        return changes.flatMap((change) => {
          const request = byId.get(change.id);
          return request ? [{ ...request, status: change.status }] : [];
        });
      },
      matches,
    });
  }

  open(filter: RequestUpdateFilter): LiveSubscription<PrivacyRequestObject> {
    return this.fanout.open(filter);
  }

  /** This process's subscribers now. */
  get subscribers(): number {
    return this.fanout.size;
  }
}
