import { DynamicModule, Global, Module } from '@nestjs/common';
import { KeyRing } from '../common/crypto/index.js';
import { SETTINGS, type Settings } from './settings.js';

/**
 * Makes the settings loaded at start-up injectable everywhere as `@Inject(SETTINGS)`, and the one KeyRing built from
 * their encryption keys as `KeyRing`: every module seals, hashes and signs through it.
 */
@Global()
@Module({})
export class ConfigModule {
  static forRoot(settings: Settings): DynamicModule {
    // Without a key (unit specs of modules that encrypt nothing) there is no ring; the app always has one (requireSecrets).
    const keyRing = settings.security.appEncryptionKey ? [{ provide: KeyRing, useValue: KeyRing.of(settings.security) }] : [];
    return {
      module: ConfigModule,
      providers: [{ provide: SETTINGS, useValue: settings }, ...keyRing],
      exports: [SETTINGS, ...keyRing.map((p) => p.provide)],
    };
  }
}
