import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import pg from 'pg';
import { SETTINGS, type Settings } from '../config/index.js';

const RECONNECT_MS = 1_000;
/** How long the connection stays after its last listener left: a client resubscribing does not reconnect. */
const IDLE_CLOSE_MS = 30_000;

export type ChangeHandler = (payload: string) => void;

/**
 * The announcements of committed changes that the database's triggers make (`pg_notify`, see the live-updates
 * migration), for this process: ONE dedicated connection (not from the pool: a LISTEN lives on its session), opened
 * when the first handler comes, LISTENing only to the channels someone handles, closed a while after the last one
 * left, and opened again after a drop (what was announced while it was down is lost: subscribers see later changes).
 */
@Injectable()
export class ChangeFeed implements OnApplicationShutdown {
  private readonly logger = new Logger(ChangeFeed.name);
  private readonly handlers = new Map<string, Set<ChangeHandler>>();
  private client: pg.Client | undefined;
  private connecting: Promise<void> | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  private stopped = false;
  /** The channels LISTENed to on the open connection (what tests wait for before making changes). */
  private readonly active = new Set<string>();

  constructor(@Inject(SETTINGS) private readonly settings: Settings) {}

  /** Calls `handler` with each payload announced on `channel` until the returned function is called. */
  listen(channel: string, handler: ChangeHandler): () => void {
    if (!/^[a-z_]+$/.test(channel)) throw new Error(`not a channel name: ${channel}`);
    let set = this.handlers.get(channel);
    if (!set) {
      set = new Set();
      this.handlers.set(channel, set);
      void this.sync(`LISTEN ${channel}`);
    }
    set.add(handler);
    clearTimeout(this.idleTimer);
    return () => {
      if (!set.delete(handler) || set.size > 0 || this.handlers.get(channel) !== set) return;
      this.handlers.delete(channel);
      void this.sync(`UNLISTEN ${channel}`);
      if (this.handlers.size === 0) {
        clearTimeout(this.idleTimer);
        this.idleTimer = setTimeout(() => this.closeIfIdle(), IDLE_CLOSE_MS);
        this.idleTimer.unref();
      }
    };
  }

  /** Whether announcements on the channel reach this process now. */
  isListening(channel: string): boolean {
    return this.active.has(channel);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    clearTimeout(this.idleTimer);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  /**
   * Opens the connection when there is none (it LISTENs to every handled channel), then runs the statement on it (a
   * LISTEN repeated for a channel added while connecting is harmless).
   */
  private async sync(statement?: string): Promise<void> {
    if (this.stopped) return;
    if (!this.client) await (this.connecting ??= this.connect().finally(() => (this.connecting = undefined)));
    const client = this.client;
    if (!client || !statement) return;
    try {
      await client.query(statement);
      const [verb, channel] = statement.split(' ');
      if (client === this.client) {
        if (verb === 'LISTEN') this.active.add(channel);
        else this.active.delete(channel);
      }
    } catch (error) {
      this.lost(client, `change feed ${statement} failed: ${(error as Error).message}`);
    }
  }

  private async connect(): Promise<void> {
    if (this.stopped || this.handlers.size === 0) return;
    const client = new pg.Client({ connectionString: this.settings.databaseUrl, application_name: 'herald-change-feed' });
    client.on('notification', (message) => {
      if (message.payload === undefined) return;
      for (const handler of this.handlers.get(message.channel) ?? []) handler(message.payload);
    });
    client.on('error', (error) => this.lost(client, `change feed connection error: ${error.message}`));
    client.on('end', () => this.lost(client, 'change feed connection ended'));
    try {
      await client.connect();
      // The channels handled when the LISTENs run (handlers may come and go while connecting).
      const channels = [...this.handlers.keys()];
      for (const channel of channels) await client.query(`LISTEN ${channel}`);
      this.client = client;
      this.active.clear();
      for (const channel of channels) this.active.add(channel);
    } catch (error) {
      client.removeAllListeners('end');
      await client.end().catch(() => undefined);
      this.lost(undefined, `change feed could not connect: ${(error as Error).message}`);
    }
  }

  private lost(client: pg.Client | undefined, reason: string): void {
    if (client !== undefined && client !== this.client) return;
    this.client = undefined;
    this.active.clear();
    if (client) client.removeAllListeners('end');
    void client?.end().catch(() => undefined);
    if (this.stopped || this.handlers.size === 0) return;
    this.logger.warn(`${reason}; reconnecting (changes meanwhile are not announced here)`);
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = setTimeout(() => void this.sync(), RECONNECT_MS);
    this.reconnectTimer.unref();
  }

  private closeIfIdle(): void {
    if (this.handlers.size > 0 || !this.client) return;
    const client = this.client;
    this.client = undefined;
    this.active.clear();
    client.removeAllListeners('end');
    void client.end().catch(() => undefined);
  }
}
