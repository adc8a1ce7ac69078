import { createRequire } from 'node:module';

/**
 * `node:http` through require, for its values (types can be imported as usual): an ESM import of it builds its ESM
 * facade, which reads every export, and reading `WebSocket` loads undici, some 30 ms of every start for nothing.
 */
export const nodeHttp = createRequire(import.meta.url)('node:http') as typeof import('node:http');
