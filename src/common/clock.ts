import { Injectable } from '@nestjs/common';

/**
 * The time that time-based rules read (the providers' circuit breaker). One instance per app, so a test can replace
 * its `now` (`app.get(Clock).now = ...`) and see a minute pass without waiting one.
 */
@Injectable()
export class Clock {
  now(): Date {
    return new Date();
  }
}
