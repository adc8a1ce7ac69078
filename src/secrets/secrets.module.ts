import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SecretEntity } from './secret.entity.js';
import { SecretsService } from './secrets.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([SecretEntity])],
  providers: [SecretsService],
  exports: [SecretsService],
})
export class SecretsModule {}
