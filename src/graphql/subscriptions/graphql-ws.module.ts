import { Module } from '@nestjs/common';
import { AuthModule } from '../../auth/index.js';
import { GraphqlWsServer } from './graphql-ws.server.js';

/** GraphQL subscriptions over graphql-ws at /graphql (the resolvers live with their features). */
@Module({ imports: [AuthModule], providers: [GraphqlWsServer] })
export class GraphqlWsModule {}
