import { Module } from '@nestjs/common';
import { DepartmentReplicaService } from './department-replica.service';
import { RegistryReplicaService } from './registry-replica.service';

/** Replicas of other departments' rows (ids and places only) that a service checks the ids it is given against. */
@Module({ providers: [DepartmentReplicaService, RegistryReplicaService], exports: [DepartmentReplicaService, RegistryReplicaService] })
export class ReplicasModule {}
