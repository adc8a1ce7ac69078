import { Module } from '@nestjs/common';
import { SETTINGS, type Settings } from '../config/index.js';
import { embeddedDatabaseAt } from '../database/index.js';
import { NotificationsModule } from '../notifications/index.js';
import { EMBEDDED_DATABASE, HealthController } from './health.controller.js';

@Module({
  imports: [NotificationsModule],
  controllers: [HealthController],
  providers: [
    // The embedded server main.ts started for this app, if any: while it is being restarted the database is unhealthy.
    { provide: EMBEDDED_DATABASE, inject: [SETTINGS], useFactory: (settings: Settings) => embeddedDatabaseAt(settings.databaseUrl) ?? null },
  ],
})
export class HealthModule {}
