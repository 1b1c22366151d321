import { Injectable, OnModuleInit } from '@nestjs/common';
import { DataSource, EntityManager, In } from 'typeorm';
import { AccessRule, inReach, Principal } from '@civgrid/auth';
import { gridNotFound } from '@civgrid/errors';
import { CloudEvent } from '@civgrid/events';
import { GridEventData, GridEvents } from '@civgrid/contracts';
import { EventHandlers } from '../event-handlers';
import { GridReplicaEntity } from './grid-replica.entity';

/** Keeps `grid_replica` in step with grid events, and answers "which grid, under which path?". */
@Injectable()
export class GridReplicaService implements OnModuleInit {
  constructor(
    private readonly dataSource: DataSource,
    private readonly handlers: EventHandlers,
  ) {}

  onModuleInit(): void {
    for (const type of [GridEvents.created, GridEvents.updated, GridEvents.retired]) {
      this.handlers.on(type, (event, manager) => this.apply(event, manager));
    }
  }

  async get(id: string, manager: EntityManager = this.dataSource.manager): Promise<GridReplicaEntity> {
    const grid = await manager.findOneBy(GridReplicaEntity, { id });
    if (!grid) throw gridNotFound(id);
    return grid;
  }

  /** A grid the principal reaches with the rule; one out of reach is not found, like an unknown one. */
  async inReach(
    id: string,
    principal: Principal,
    rule: AccessRule,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<GridReplicaEntity> {
    const grid = await manager.findOneBy(GridReplicaEntity, { id });
    return inReach(
      principal,
      rule,
      grid,
      (g) => ({ path: g.path, gridId: g.id }),
      () => gridNotFound(id),
    );
  }

  async getMany(ids: readonly string[]): Promise<GridReplicaEntity[]> {
    return ids.length === 0 ? [] : this.dataSource.manager.findBy(GridReplicaEntity, { id: In([...ids]) });
  }

  private async apply(event: CloudEvent<GridEventData>, manager: EntityManager): Promise<void> {
    const data = event.data;
    // Only a newer event overwrites: redelivery or reordering across restarts cannot roll back.
    await manager.query(
      `INSERT INTO grid_replica (id, code, name, path, area_path, status, source_time)
       VALUES ($1, $2, $3, $4::ltree, $5::ltree, $6, $7)
       ON CONFLICT (id) DO UPDATE SET code = EXCLUDED.code, name = EXCLUDED.name, path = EXCLUDED.path,
         area_path = EXCLUDED.area_path, status = EXCLUDED.status, source_time = EXCLUDED.source_time
       WHERE grid_replica.source_time <= EXCLUDED.source_time`,
      [data.gridId, data.code, data.name, data.path, data.areaPath, data.status, event.time],
    );
  }
}
