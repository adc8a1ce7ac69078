import { Logger } from '@nestjs/common';
import type { ChangeFeed } from './change-feed.js';

/** Announced entries one load reads at most (the rest wait for the next one). */
const MAX_BATCH = 2_000;

/** What a feature tells the fan-out about its channel. */
export interface FanoutSource<Entry, Item, Filter> {
  /** The channel its triggers announce on. */
  channel: string;
  /** One entry of a payload (the payload is a comma-joined list); undefined for anything malformed. */
  parse(entry: string): Entry | undefined;
  /** The same change announced twice in a batch (e.g. one per statement of a transaction) is delivered once. */
  key(entry: Entry): string;
  /** Whether a subscriber with this filter may want the entry, known without loading (e.g. its status): else no load. */
  mayMatch(filter: Filter, entry: Entry): boolean;
  /** The entries' items as the query shows them, in the entries' order (an entry whose row is gone is left out). */
  load(entries: Entry[]): Promise<Item[]>;
  matches(filter: Filter, item: Item): boolean;
}

/** A subscription's events: an async iterator (what a GraphQL subscription resolver returns) over a bounded queue. */
export interface LiveSubscription<Item> extends AsyncIterableIterator<Item> {
  return(): Promise<IteratorResult<Item>>;
}

class Subscriber<Item, Filter> implements LiveSubscription<Item> {
  private readonly queue: Item[] = [];
  private waiting: { resolve: (result: IteratorResult<Item>) => void; reject: (error: Error) => void } | undefined;
  private failure: Error | undefined;
  private done = false;

  constructor(
    readonly filter: Filter,
    private readonly maxQueued: number,
    private readonly release: (subscriber: Subscriber<Item, Filter>) => void,
  ) {}

  push(item: Item): void {
    if (this.done || this.failure) return;
    if (this.waiting) {
      const { resolve } = this.waiting;
      this.waiting = undefined;
      resolve({ value: item, done: false });
    } else if (this.queue.length >= this.maxQueued) {
      // A consumer this far behind (its socket slow or stalled) would hold events without bound: it is ended.
      this.fail(new Error(`More than ${this.maxQueued} events were waiting for this subscriber; subscribe again`));
    } else this.queue.push(item);
  }

  next(): Promise<IteratorResult<Item>> {
    if (this.queue.length > 0) return Promise.resolve({ value: this.queue.shift()!, done: false });
    if (this.failure) {
      const failure = this.failure;
      this.finish();
      return Promise.reject(failure);
    }
    if (this.done) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => (this.waiting = { resolve, reject }));
  }

  return(): Promise<IteratorResult<Item>> {
    this.finish();
    return Promise.resolve({ value: undefined, done: true });
  }

  throw(error?: unknown): Promise<IteratorResult<Item>> {
    this.finish();
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  private fail(error: Error): void {
    this.failure = error;
    this.queue.length = 0;
    this.release(this);
  }

  private finish(): void {
    if (this.done) return;
    this.done = true;
    this.queue.length = 0;
    this.release(this);
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.resolve({ value: undefined, done: true });
  }
}

/**
 * One channel's changes to this process's subscribers: listens on the channel only while someone subscribes, gathers
 * what is announced meanwhile, loads the rows once per batch (one load at a time, announcements keep their order) and
 * gives each subscriber the items its filter matches. Nothing is read for entries no subscriber may want.
 */
export class ChangeFanout<Entry, Item, Filter> {
  private readonly logger: Logger;
  private readonly subscribers = new Set<Subscriber<Item, Filter>>();
  private pending: Entry[] = [];
  private loading = false;
  private unlisten: (() => void) | undefined;

  constructor(
    private readonly feed: ChangeFeed,
    private readonly source: FanoutSource<Entry, Item, Filter>,
    /** Events one subscriber may have waiting before it is ended as too slow. */
    private readonly maxQueued = 256,
  ) {
    this.logger = new Logger(`ChangeFanout(${source.channel})`);
  }

  /** The subscriber's events from now on, until it returns. */
  open(filter: Filter): LiveSubscription<Item> {
    const subscriber = new Subscriber<Item, Filter>(filter, this.maxQueued, (s) => this.close(s));
    this.subscribers.add(subscriber);
    this.unlisten ??= this.feed.listen(this.source.channel, (payload) => this.announced(payload));
    return subscriber;
  }

  /** How many subscribers this process has (tests, metrics). */
  get size(): number {
    return this.subscribers.size;
  }

  private close(subscriber: Subscriber<Item, Filter>): void {
    if (!this.subscribers.delete(subscriber) || this.subscribers.size > 0) return;
    this.unlisten?.();
    this.unlisten = undefined;
    this.pending = [];
  }

  private announced(payload: string): void {
    if (this.subscribers.size === 0) return;
    for (const text of payload.split(',')) {
      const entry = this.source.parse(text);
      if (entry !== undefined) this.pending.push(entry);
    }
    if (!this.loading) void this.deliver();
  }

  private async deliver(): Promise<void> {
    this.loading = true;
    try {
      while (this.pending.length > 0 && this.subscribers.size > 0) {
        const batch = this.pending.splice(0, MAX_BATCH);
        const seen = new Set<string>();
        const wanted = batch.filter((entry) => {
          const key = this.source.key(entry);
          if (seen.has(key)) return false;
          seen.add(key);
          for (const subscriber of this.subscribers) if (this.source.mayMatch(subscriber.filter, entry)) return true;
          return false;
        });
        if (wanted.length === 0) continue;
        let items: Item[];
        try {
          items = await this.source.load(wanted);
        } catch (error) {
          this.logger.warn(`could not load ${wanted.length} changed rows for subscribers: ${(error as Error).message}`);
          continue;
        }
        for (const item of items) for (const subscriber of [...this.subscribers]) if (this.source.matches(subscriber.filter, item)) subscriber.push(item);
      }
    } finally {
      this.loading = false;
    }
  }
}
