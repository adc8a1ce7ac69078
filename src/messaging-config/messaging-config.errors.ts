import { type CallHandler, type ExecutionContext, Injectable, type NestInterceptor, UseInterceptors } from '@nestjs/common';
import { catchError, type Observable } from 'rxjs';
import { HeraldError, notFound } from '../common/errors/herald.error.js';
import { FIDES_TEXTS, type ConfigTexts } from './messaging-config.texts.js';

/** What the caller looked for: the config itself, or the config whose secrets it sets (Fides words the two apart). */
export type ConfigLookup = 'config' | 'secrets';

/**
 * No messaging config of that key (or none the caller may see). The service throws it without choosing words; its
 * `detail` is Fides' wording (the `/messaging/config` routes' and GraphQL's), and a transport that speaks another
 * dialect rewords it with `WordedAs` (fidesops' `/email/config`).
 */
export class MessagingConfigNotFound extends HeraldError {
  constructor(
    readonly key: string,
    readonly lookup: ConfigLookup = 'config',
  ) {
    super('not_found', wording(FIDES_TEXTS, key, lookup));
  }

  /** The same error in a dialect's words. */
  wordedAs(texts: ConfigTexts): HeraldError {
    return notFound(wording(texts, this.key, this.lookup));
  }
}

const wording = (texts: ConfigTexts, key: string, lookup: ConfigLookup) => (lookup === 'secrets' ? texts.secretsNotFound(key) : texts.notFound(key));

@Injectable()
class WordingInterceptor implements NestInterceptor {
  constructor(private readonly texts: ConfigTexts) {}

  intercept(_context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return next.handle().pipe(
      catchError((error: unknown) => {
        throw error instanceof MessagingConfigNotFound ? error.wordedAs(this.texts) : error;
      }),
    );
  }
}

/** A controller (or route) that answers in this dialect: the service's `MessagingConfigNotFound` is worded with `texts`. */
export const WordedAs = (texts: ConfigTexts) => UseInterceptors(new WordingInterceptor(texts));
