import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ConnectionsModule } from '../connections/index.js';
import { DatasetEntity } from './dataset.entity.js';
import { DatasetsController } from './datasets.controller.js';
import { DatasetsResolver } from './datasets.resolver.js';
import { DatasetsService } from './datasets.service.js';

@Module({
  imports: [TypeOrmModule.forFeature([DatasetEntity]), ConnectionsModule],
  controllers: [DatasetsController],
  providers: [DatasetsService, DatasetsResolver],
  exports: [DatasetsService],
})
export class DatasetsModule {}
