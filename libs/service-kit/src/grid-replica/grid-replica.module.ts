import { Module } from '@nestjs/common';
import { GridReplicaService } from './grid-replica.service';

@Module({ providers: [GridReplicaService], exports: [GridReplicaService] })
export class GridReplicaModule {}
