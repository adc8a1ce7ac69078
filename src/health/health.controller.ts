import { Controller, Get, Inject, Res } from '@nestjs/common';
import type { ApiResponseSchemaHost } from '@nestjs/swagger';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { DataSource } from 'typeorm';
import { Public } from '../auth/index.js';
import { HERALD_VERSION } from '../common/version.js';
import { JobQueueService, type EmbeddedDatabaseStatus } from '../database/index.js';

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
  ) {}

  @Get()
  @Public()
  @ApiOperation({ summary: 'Liveness and the state of the database and the queue' })
  @ApiOkResponse({ schema: HEALTH_SCHEMA })
  @ApiServiceUnavailableResponse({ description: 'A part is unhealthy', schema: HEALTH_SCHEMA })
  async health(@Res({ passthrough: true }) reply: FastifyReply) {
    // A server being restarted is down whatever a pooled connection might still answer.
    const serverUp = !this.embedded || this.embedded.state() === 'running';
    const [database, queue] = await Promise.all([
      check(async () => serverUp && (await this.dataSource.query('SELECT 1').then(() => true))),
      check(() => this.queue.isHealthy()),
    ]);
    if (database === 'unhealthy' || queue === 'unhealthy') void reply.status(503);
    return { webserver: 'healthy', version: HERALD_VERSION, database, queue };
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
