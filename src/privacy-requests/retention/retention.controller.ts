import { Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Scopes } from '../../auth/index.js';
import { HeraldError } from '../../common/errors/herald.error.js';
import { Answers, Refuses } from '../../common/openapi.js';
import { toPurgeRunResponse, type PurgeRunResponse } from './retention.mapper.js';
import { RETENTION_PURGE_RUN } from './retention.openapi.js';
import { RetentionPurge } from './retention-purge.js';

export const PURGE_RUNNING = 'A retention purge is already running.';

/** Herald's own: runs the retention purge now instead of at the next tick of HERALD_RETENTION_CRON. */
@ApiTags('Retention')
@Controller('retention')
export class RetentionController {
  constructor(private readonly purge: RetentionPurge) {}

  @Post('purge')
  @HttpCode(200)
  @Scopes('privacy-request:delete')
  @ApiOperation({ summary: 'Purge what is older than the retention periods now, to the end, and say what went' })
  @Answers(200, RETENTION_PURGE_RUN)
  @Refuses(409, PURGE_RUNNING)
  async run(): Promise<PurgeRunResponse> {
    const run = await this.purge.run('manual');
    if (!run) throw new HeraldError('conflict', PURGE_RUNNING);
    return toPurgeRunResponse(run);
  }
}
