import { Injectable, OnModuleInit } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { IncidentEvents, IncidentReportedData } from '@civgrid/contracts';
import { CloudEvent } from '@civgrid/events';
import { EventHandlers } from '@civgrid/service-kit';

export interface ReplicatedIncident {
  id: string;
  number: string;
  gridId: string;
  gridPath: string;
}

/**
 * The incidents incident reporting announces (incident-reported: ids, number, grid): a dispute
 * names an origin incident only if it exists and lies in the registrar's reach.
 */
@Injectable()
export class IncidentReplica implements OnModuleInit {
  constructor(private readonly handlers: EventHandlers) {}

  onModuleInit(): void {
    this.handlers.on(IncidentEvents.reported, (event, manager) => this.apply(event, manager));
  }

  private async apply(event: CloudEvent<IncidentReportedData>, manager: EntityManager): Promise<void> {
    const d = event.data;
    await manager.query(
      `INSERT INTO incident_replica (id, number, grid_id, grid_path, source_time) VALUES ($1, $2, $3, $4::ltree, $5)
       ON CONFLICT (id) DO UPDATE SET number = EXCLUDED.number, grid_id = EXCLUDED.grid_id, grid_path = EXCLUDED.grid_path, source_time = EXCLUDED.source_time
       WHERE incident_replica.source_time <= EXCLUDED.source_time`,
      [d.incidentId, d.number, d.gridId, d.gridPath, event.time],
    );
  }

  async get(manager: EntityManager, id: string): Promise<ReplicatedIncident | undefined> {
    const [row] = await manager.query<ReplicatedIncident[]>(
      `SELECT id, number, grid_id AS "gridId", grid_path::text AS "gridPath" FROM incident_replica WHERE id = $1`,
      [id],
    );
    return row;
  }
}
