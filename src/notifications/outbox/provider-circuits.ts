import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Clock } from '../../common/clock.js';
import { preparedQuery } from '../../database/index.js';

/**
 * Decision D29's circuit breaker: a provider whose last `failures` sends all failed retryably, the first of them no
 * more than `windowSeconds` before the last, is skipped for `openSeconds` while another provider of its chain can
 * send. The counts live in `provider_circuit`, written with each batch of attempt outcomes (AttemptRecorder).
 */
export const CIRCUIT = { failures: 5, windowSeconds: 60, openSeconds: 60 } as const;

/** How often a process reads the circuits other processes opened. */
const READ_EVERY_MS = 1_000;

/** A provider's circuit as `providerCircuits` shows it. */
export interface CircuitState {
  serviceType: string;
  /** closed: sending; open: skipped until `openUntil`; half_open: the open minute passed, the next send is the trial. */
  state: 'closed' | 'open' | 'half_open';
  openUntil: Date | null;
  /** Retryable failures in a row counted within the window (0 when the count is older than the window). */
  recentFailures: number;
}

interface Known {
  /** Clock time (ms) until which the circuit is open; 0 when closed. */
  until: number;
  /** Real time (ms) this process learned it from its own write; 0 when read from the table. */
  learnedAt: number;
}

/**
 * The open circuits as this process knows them: read from the table at most once a second (one statement on a table
 * of a few rows), and updated at once by this process's own outcome writes. Every process shares the table, so a
 * circuit one opens is skipped by all within a second. Time is the injectable `Clock`'s.
 */
@Injectable()
export class ProviderCircuits {
  private known = new Map<string, Known>();
  private readAt = -Infinity;
  private reading?: Promise<void>;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  /** The time the breaker counts in: the one the outcome writes store. */
  now(): Date {
    return this.clock.now();
  }

  /** The service types whose circuit is open now; throws when the table could not be read and the last read is stale. */
  async open(): Promise<Set<string>> {
    if (Date.now() - this.readAt >= READ_EVERY_MS) await (this.reading ??= this.read().finally(() => (this.reading = undefined)));
    return this.openKnown();
  }

  /**
   * Every circuit stored (a provider that never failed has none: closed), read now from the table every instance
   * shares, in the Clock's time.
   */
  async states(): Promise<CircuitState[]> {
    const rows = await this.dataSource.query<
      { service_type: string; consecutive_failures: number; first_failure_at: Date | null; opened_until: Date | null }[]
    >('SELECT service_type, consecutive_failures, first_failure_at, opened_until FROM provider_circuit ORDER BY service_type');
    const now = this.clock.now().getTime();
    return rows.map((row) => ({
      serviceType: row.service_type,
      state: row.opened_until === null ? 'closed' : row.opened_until.getTime() > now ? 'open' : 'half_open',
      openUntil: row.opened_until,
      recentFailures: row.first_failure_at !== null && row.first_failure_at.getTime() >= now - CIRCUIT.windowSeconds * 1000 ? row.consecutive_failures : 0,
    }));
  }

  /** The open circuits as last known, without reading: for a send while the database is failing. */
  openKnown(): Set<string> {
    const now = this.clock.now().getTime();
    return new Set([...this.known].filter(([, known]) => known.until > now).map(([serviceType]) => serviceType));
  }

  /** What an outcome write of this process changed: a circuit opened (until then) or closed (null). */
  learn(serviceType: string, openedUntil: Date | null): void {
    this.known.set(serviceType, { until: openedUntil?.getTime() ?? 0, learnedAt: Date.now() });
  }

  private async read(): Promise<void> {
    const startedAt = Date.now();
    const rows = await preparedQuery<{ service_type: string; opened_until: Date }>(
      this.dataSource,
      undefined,
      'herald_open_circuits',
      'SELECT service_type, opened_until FROM provider_circuit WHERE opened_until > $1',
      [this.clock.now()],
    );
    const known = new Map<string, Known>(rows.map((row) => [row.service_type, { until: row.opened_until.getTime(), learnedAt: 0 }]));
    // What this process wrote after the read began is newer than what the read saw.
    for (const [serviceType, entry] of this.known) if (entry.learnedAt >= startedAt) known.set(serviceType, entry);
    this.known = known;
    this.readAt = startedAt;
  }
}
