/** What other modules may use of connections (docs/architecture.md, "Module surfaces"). */
export type { ConnectionEntity } from './connection.entity.js';
export { ConnectionsModule } from './connections.module.js';
export { ConnectionsResolver } from './connections.resolver.js';
export { ConnectionsService } from './connections.service.js';
