import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { RateLimitsModule } from '../rate-limits/index.js';
import { AuthInfoResolver } from './auth-info.resolver.js';
import { ClientScopesCache } from './client-scopes.cache.js';
import { OauthClientEntity } from './oauth-client.entity.js';
import { OauthClientsService } from './oauth-clients.service.js';
import { OauthController } from './oauth.controller.js';
import { ScopesGuard } from './scopes.guard.js';
import { TokenService } from './token.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([OauthClientEntity]), RateLimitsModule],
  controllers: [OauthController],
  providers: [TokenService, ClientScopesCache, OauthClientsService, AuthInfoResolver, { provide: APP_GUARD, useClass: ScopesGuard }],
  exports: [TokenService, OauthClientsService],
})
export class AuthModule {}
