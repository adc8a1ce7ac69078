import { ApolloDriver, ApolloDriverConfig } from '@nestjs/apollo';
import { DynamicModule, Module } from '@nestjs/common';
import { GraphQLModule } from '@nestjs/graphql';
import { LoggerModule } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import { AuthModule } from './auth/auth.module.js';
import { ConfigModule } from './config/config.module.js';
import type { Settings } from './config/settings.js';
import { DatabaseModule } from './database/database.module.js';
import { graphqlOptions } from './graphql/graphql.options.js';
import { GraphqlWsModule } from './graphql/subscriptions/graphql-ws.module.js';
import { HealthModule } from './health/health.module.js';
import { loggerOptions } from './common/logging.js';
import { MessagingConfigModule } from './messaging-config/messaging-config.module.js';
import { NotificationsModule } from './notifications/notifications.module.js';
import { ConnectionsModule } from './connections/connections.module.js';
import { DatasetsModule } from './datasets/datasets.module.js';
import { PrivacyRequestsModule } from './privacy-requests/privacy-requests.module.js';

@Module({})
export class AppModule {
  static forRoot(settings: Settings, logDestination?: DestinationStream): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(settings),
        LoggerModule.forRoot(loggerOptions(settings, logDestination)),
        DatabaseModule,
        GraphQLModule.forRoot<ApolloDriverConfig>({ driver: ApolloDriver, ...graphqlOptions(settings) }),
        GraphqlWsModule,
        AuthModule,
        HealthModule,
        MessagingConfigModule,
        NotificationsModule,
        ConnectionsModule,
        DatasetsModule,
        PrivacyRequestsModule,
      ],
    };
  }
}
