import { AuthInfoResolver } from '../auth/auth-info.resolver.js';
import { MessagingConfigResolver } from '../messaging-config/messaging-config.resolver.js';

/** Every resolver class, for generating schema.gql without a database. A test checks it against the running app. */
export const RESOLVERS: Function[] = [AuthInfoResolver, MessagingConfigResolver];
