import { CreateOauthClient1763800000000 } from './1763800000000-create-oauth-client.js';

/** Every migration, oldest first. Listed by hand: ESM builds cannot glob-load classes reliably. */
export const MIGRATIONS = [CreateOauthClient1763800000000];
