import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { SETTINGS, type Settings } from '../config/index.js';
import { NOT_KNOWN, type NotKnown } from './not-known.js';

const CHANNEL = 'herald_oauth_client';
/** A safety net only: entries are evicted by notification the moment any Herald process changes a client. */
const TTL_MS = 60_000;
const RECONNECT_MS = 1_000;

/**
 * The current scopes of OAuth clients, read on every authenticated request. Cached per process and kept exact across
 * processes by PostgreSQL LISTEN/NOTIFY: a process that deletes a client or changes its scopes notifies, and every
 * process evicts. While the listening connection is down the cache is bypassed, so revocation is never delayed.
 */
@Injectable()
export class ClientScopesCache implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(ClientScopesCache.name);
  private readonly entries = new Map<string, { scopes: string[] | null; expires: number }>();
  private listener: pg.Client | undefined;
  private listening = false;
  private stopped = false;
  private reconnectTimer: NodeJS.Timeout | undefined;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(SETTINGS) private readonly settings: Settings,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.listen();
  }

  /** The client's scopes, or null when there is no such client. */
  async scopesOf(clientId: string): Promise<string[] | null> {
    const cached = this.cachedScopesOf(clientId);
    if (cached !== NOT_KNOWN) return cached;
    const rows = await this.dataSource.query<{ scopes: string[] }[]>('SELECT scopes FROM oauth_client WHERE id = $1', [clientId]);
    const scopes = rows[0]?.scopes ?? null;
    if (this.listening) this.entries.set(clientId, { scopes, expires: Date.now() + TTL_MS });
    return scopes;
  }

  /** `scopesOf` from the cache alone (synchronous): NOT_KNOWN when the database must be asked. */
  cachedScopesOf(clientId: string): string[] | null | NotKnown {
    const cached = this.listening ? this.entries.get(clientId) : undefined;
    return cached && cached.expires > Date.now() ? cached.scopes : NOT_KNOWN;
  }

  /** Call after a change to a client has committed: evicts it here and in every other process. */
  async changed(clientId: string): Promise<void> {
    this.entries.delete(clientId);
    await this.dataSource.query('SELECT pg_notify($1, $2)', [CHANNEL, clientId]);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    this.listening = false;
    await this.listener?.end().catch(() => undefined);
  }

  private async listen(): Promise<void> {
    const client = new pg.Client({ connectionString: this.settings.databaseUrl, application_name: 'herald-auth-listener' });
    client.on('notification', (message) => {
      if (message.payload) this.entries.delete(message.payload);
    });
    client.on('error', (error) => this.lost(`auth cache listener error: ${error.message}`));
    client.on('end', () => this.lost('auth cache listener disconnected'));
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
      this.listener = client;
      this.entries.clear();
      this.listening = true;
    } catch (error) {
      await client.end().catch(() => undefined);
      this.lost(`auth cache listener could not connect: ${(error as Error).message}`);
    }
  }

  private lost(reason: string): void {
    if (this.stopped) return;
    if (this.listening) this.logger.warn(`${reason}; authenticating from the database until it is back`);
    this.listening = false;
    this.entries.clear();
    this.listener = undefined;
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = setTimeout(() => void this.listen(), RECONNECT_MS);
  }
}
