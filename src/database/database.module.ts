import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SETTINGS, type Settings } from '../config/index.js';
import { ChangeFeed } from './change-feed.js';
import { JobQueueService } from './job-queue.service.js';
import { MIGRATIONS } from './migrations/index.js';
import { MigrationsRunner } from './migrations.runner.js';
import { useFastTimestamptzParser } from './timestamptz-parser.js';

/**
 * The PostgreSQL connection (external, or the embedded server that main.ts started and whose URL it put in the
 * settings) and the pg-boss queue on the same database. Schema changes come only from migrations, run at start-up.
 */
@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [SETTINGS],
      useFactory: (settings: Settings) => {
        // Before the first connection: reading timestamps was a tenth of a list's CPU (timestamptz-parser.ts).
        useFastTimestamptzParser();
        return {
          type: 'postgres' as const,
          url: settings.databaseUrl,
          autoLoadEntities: true,
          synchronize: false,
          migrations: MIGRATIONS,
          // Run by MigrationsRunner under an advisory lock, not by TypeORM at connect time.
          migrationsRun: false,
          // Room for every delivery worker plus the API's own requests.
          extra: { max: settings.delivery.concurrency + 20 },
          logging: false,
          // main.ts waited for the server already; a failure here is reported once, not retried with stack traces.
          toRetry: () => false,
        };
      },
    }),
  ],
  providers: [MigrationsRunner, JobQueueService, ChangeFeed],
  exports: [JobQueueService, ChangeFeed],
})
export class DatabaseModule {}
