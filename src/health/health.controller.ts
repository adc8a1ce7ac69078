import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { ApiResponseSchemaHost } from '@nestjs/swagger';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { DataSource } from 'typeorm';
import { Public } from '../auth/index.js';
import { HERALD_VERSION } from '../common/version.js';
import { JobQueueService, type EmbeddedDatabaseStatus } from '../database/index.js';
import { ProviderCircuits } from '../notifications/index.js';

/** The embedded PostgreSQL this process runs for the app, or null (an external database). */
export const EMBEDDED_DATABASE = Symbol('EMBEDDED_DATABASE');

type Status = 'healthy' | 'unhealthy';

const HEALTH_SCHEMA: ApiResponseSchemaHost['schema'] = {
  type: 'object',
  properties: {
    webserver: { type: 'string', enum: ['healthy'] },
    version: { type: 'string' },
    database: { type: 'string', enum: ['healthy', 'unhealthy'] },
    queue: { type: 'string', enum: ['healthy', 'unhealthy'] },
    messaging: {
      type: 'string',
      enum: ['healthy', 'degraded', 'unknown'],
      description:
        'Decision D29: `degraded` while a provider circuit is open (its messages go to the fallbacks, or wait for their retries); ' +
        'the answer stays 200 for it. `unknown` when the circuits could not be read',
    },
    open_circuits: { type: 'array', items: { type: 'string' }, description: 'Only when `messaging` is `degraded`: the service types skipped for now' },
  },
};

const CHECK_TIMEOUT_MS = 2_000;

@ApiTags('Health')
@Controller('health')
export class HealthController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly queue: JobQueueService,
    @Inject(EMBEDDED_DATABASE) private readonly embedded: EmbeddedDatabaseStatus | null,
    private readonly circuits: ProviderCircuits,
  ) {}

  @Get()
  @Public()
  @ApiOperation({ summary: 'Liveness, the state of the database and the queue, and open provider circuits' })
  @ApiOkResponse({ schema: HEALTH_SCHEMA })
  @ApiServiceUnavailableResponse({ description: 'A part is unhealthy', schema: HEALTH_SCHEMA })
  async health(@Res({ passthrough: true }) reply: FastifyReply) {
    // A server being restarted is down whatever a pooled connection might still answer.
    const serverUp = !this.embedded || this.embedded.state() === 'running';
    let open: string[] | undefined;
    const [database, queue, circuits] = await Promise.all([
      check(async () => serverUp && (await this.dataSource.query('SELECT 1').then(() => true))),
      check(() => this.queue.isHealthy()),
      // Read at most once a second whatever the traffic (ProviderCircuits).
      check(async () => ((open = [...(await this.circuits.open())].sort()), true)),
    ]);
    // An open circuit is a provider's trouble, which failover works around: messaging is degraded, Herald is not down.
    if (database === 'unhealthy' || queue === 'unhealthy') void reply.status(503);
    const messaging = circuits === 'unhealthy' || !open ? 'unknown' : open.length > 0 ? 'degraded' : 'healthy';
    return { webserver: 'healthy', version: HERALD_VERSION, database, queue, messaging, ...(messaging === 'degraded' ? { open_circuits: open } : {}) };
  }
}

async function check(probe: () => Promise<boolean>): Promise<Status> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), CHECK_TIMEOUT_MS)));
  try {
    return (await Promise.race([probe(), timeout])) ? 'healthy' : 'unhealthy';
  } catch {
    return 'unhealthy';
  } finally {
    clearTimeout(timer);
  }
}
