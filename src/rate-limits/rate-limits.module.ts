import { Module } from '@nestjs/common';
import { RateLimitsService } from './rate-limits.service.js';

/** Decision D18: the shared rate limits, for the public routes of privacy requests and the token endpoint. */
@Module({
  providers: [RateLimitsService],
  exports: [RateLimitsService],
})
export class RateLimitsModule {}
