import { Injectable, OnModuleInit } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { DepartmentCreatedData, GridEvents } from '@civgrid/contracts';
import { CloudEvent } from '@civgrid/events';
import { EventHandlers } from '../event-handlers';

/**
 * Departments as grid organisation announces them (department-created), in `department_replica`:
 * a whistle or a mediation centre names only departments that exist. The service's migrations
 * create the table (see DEPARTMENT_REPLICA_DDL).
 */
@Injectable()
export class DepartmentReplicaService implements OnModuleInit {
  constructor(
    private readonly dataSource: DataSource,
    private readonly handlers: EventHandlers,
  ) {}

  onModuleInit(): void {
    this.handlers.on(GridEvents.departmentCreated, (event, manager) => this.apply(event, manager));
  }

  /** A redelivery or an older event changes nothing. */
  private async apply(event: CloudEvent<DepartmentCreatedData>, manager: EntityManager): Promise<void> {
    const d = event.data;
    await manager.query(
      `INSERT INTO department_replica (id, code, kind, level, area_path, source_time) VALUES ($1, $2, $3, $4, $5::ltree, $6)
       ON CONFLICT (id) DO UPDATE SET code = EXCLUDED.code, kind = EXCLUDED.kind, level = EXCLUDED.level, area_path = EXCLUDED.area_path,
         source_time = EXCLUDED.source_time
       WHERE department_replica.source_time <= EXCLUDED.source_time`,
      [d.departmentId, d.code, d.kind, d.level, d.areaPath, event.time],
    );
  }

  /** Those of the ids that name no known department. */
  async unknown(ids: readonly string[], manager: EntityManager = this.dataSource.manager): Promise<string[]> {
    if (ids.length === 0) return [];
    const known = await manager.query<{ id: string }[]>(`SELECT id::text FROM department_replica WHERE id = ANY($1::uuid[])`, [ids]);
    const found = new Set(known.map((k) => k.id));
    return ids.filter((id) => !found.has(id.toLowerCase()));
  }
}

/** The table, for a service's migration. */
export const DEPARTMENT_REPLICA_DDL = `
  CREATE TABLE department_replica (
    id uuid NOT NULL,
    code text NOT NULL,
    kind text NOT NULL,
    level text NOT NULL,
    area_path ltree NOT NULL,
    source_time timestamptz NOT NULL,
    CONSTRAINT pk_department_replica PRIMARY KEY (id)
  )`;
