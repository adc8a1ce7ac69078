import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { NotificationsModule } from '../notifications/index.js';
import { SecretsModule } from '../secrets/index.js';
import { ConnectionTester } from './connection-tester.js';
import { ConnectionEntity } from './connection.entity.js';
import { ConnectionsController } from './connections.controller.js';
import { ConnectionsResolver } from './connections.resolver.js';
import { ConnectionsService } from './connections.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([ConnectionEntity]), SecretsModule, NotificationsModule],
  controllers: [ConnectionsController],
  providers: [ConnectionsService, ConnectionTester, ConnectionsResolver],
  exports: [ConnectionsService],
})
export class ConnectionsModule {}
