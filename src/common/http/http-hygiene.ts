import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Settings } from '../../config/settings.js';

/** Decision D20: security headers and CORS on every answer. (Filled in by the HTTP hygiene work.) */
export async function registerHttpHygiene(_app: NestFastifyApplication, _settings: Settings): Promise<void> {}
