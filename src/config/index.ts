/** What other modules may use of config (docs/architecture.md, "Module surfaces"). */
export { SETTINGS, SettingsError, loadSettings } from './settings.js';
export type { RateLimitSettings, Settings } from './settings.js';
export { ConfigModule } from './config.module.js';
