import { Injectable, OnModuleInit } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AccessRule, canReach, Principal } from '@civgrid/auth';
import {
  DwellingRehomedData,
  HouseholdMembershipData,
  HouseholdMovedData,
  HouseholdRegisteredData,
  PopulationEvents,
  ResidentEventData,
} from '@civgrid/contracts';
import { CloudEvent } from '@civgrid/events';
import { EventHandlers } from '../event-handlers';

/**
 * Where the population registry's dwellings, households and residents are, by id only (never a
 * name or an address), as its events announce them: another service checks that a resident or a
 * dwelling it is given exists and lies in the caller's reach before it links to it. Residents are
 * placed through their household, so a household that moves takes its residents along.
 */
@Injectable()
export class RegistryReplicaService implements OnModuleInit {
  constructor(
    private readonly dataSource: DataSource,
    private readonly handlers: EventHandlers,
  ) {}

  onModuleInit(): void {
    const on = this.handlers.on.bind(this.handlers);
    on(PopulationEvents.dwellingRegistered, (e, m) => this.dwelling(e, m, e.data.dwellingId, e.data.gridId));
    on(PopulationEvents.dwellingRehomed, (e, m) => this.rehomed(e, m));
    on(PopulationEvents.householdRegistered, (e, m) => this.household(e, m, e.data));
    on(PopulationEvents.householdMoved, (e, m) => this.moved(e, m));
    for (const type of [PopulationEvents.residentRegistered, PopulationEvents.residentReturned]) {
      on(type, (e, m) => this.resident(e, m, e.data));
    }
    on(PopulationEvents.householdMemberJoined, (e, m) => this.resident(e, m, e.data));
  }

  private async dwelling(event: CloudEvent, manager: EntityManager, id: string, gridId: string): Promise<void> {
    await manager.query(
      `INSERT INTO dwelling_replica (id, grid_id, source_time) VALUES ($1, $2, $3)
       ON CONFLICT (id) DO UPDATE SET grid_id = EXCLUDED.grid_id, source_time = EXCLUDED.source_time
       WHERE dwelling_replica.source_time <= EXCLUDED.source_time`,
      [id, gridId, event.time],
    );
  }

  /** Grids were reshaped: the dwelling, and the households in it, are in another grid now. */
  private async rehomed(event: CloudEvent<DwellingRehomedData>, manager: EntityManager): Promise<void> {
    const d = event.data;
    await this.dwelling(event, manager, d.dwellingId, d.toGridId);
    await manager.query(`UPDATE household_replica SET grid_id = $2 WHERE dwelling_id = $1 AND source_time <= $3`, [
      d.dwellingId,
      d.toGridId,
      event.time,
    ]);
  }

  private async household(
    event: CloudEvent,
    manager: EntityManager,
    d: Pick<HouseholdRegisteredData, 'householdId' | 'dwellingId' | 'gridId'>,
  ): Promise<void> {
    await manager.query(
      `INSERT INTO household_replica (id, dwelling_id, grid_id, source_time) VALUES ($1, $2, $3, $4)
       ON CONFLICT (id) DO UPDATE SET dwelling_id = EXCLUDED.dwelling_id, grid_id = EXCLUDED.grid_id, source_time = EXCLUDED.source_time
       WHERE household_replica.source_time <= EXCLUDED.source_time`,
      [d.householdId, d.dwellingId, d.gridId, event.time],
    );
  }

  private async moved(event: CloudEvent<HouseholdMovedData>, manager: EntityManager): Promise<void> {
    const d = event.data;
    await this.household(event, manager, { householdId: d.householdId, dwellingId: d.toDwellingId, gridId: d.toGridId });
  }

  /** A resident registered, returned or joined a household: they are where that household is. */
  private async resident(event: CloudEvent, manager: EntityManager, d: ResidentEventData | HouseholdMembershipData): Promise<void> {
    await manager.query(
      `INSERT INTO resident_replica (id, household_id, grid_id, source_time) VALUES ($1, $2, $3, $4)
       ON CONFLICT (id) DO UPDATE SET household_id = EXCLUDED.household_id, grid_id = EXCLUDED.grid_id, source_time = EXCLUDED.source_time
       WHERE resident_replica.source_time <= EXCLUDED.source_time`,
      [d.residentId, d.householdId, d.gridId, event.time],
    );
  }

  /**
   * Those of the resident ids that do not name a resident in the principal's reach under `rule`
   * (their household's grid, or their own last known one), in one statement.
   */
  async residentsOutOfReach(
    principal: Principal,
    rule: AccessRule,
    ids: readonly string[],
    manager: EntityManager = this.dataSource.manager,
  ): Promise<string[]> {
    return this.outOfReach(
      principal,
      rule,
      ids,
      `SELECT r.id::text AS id, g.id::text AS "gridId", g.path::text AS path
         FROM resident_replica r LEFT JOIN household_replica h ON h.id = r.household_id
         JOIN grid_replica g ON g.id = coalesce(h.grid_id, r.grid_id) WHERE r.id = ANY($1::uuid[])`,
      manager,
    );
  }

  /** Those of the dwelling ids that do not name a dwelling in the principal's reach under `rule`. */
  async dwellingsOutOfReach(
    principal: Principal,
    rule: AccessRule,
    ids: readonly string[],
    manager: EntityManager = this.dataSource.manager,
  ): Promise<string[]> {
    return this.outOfReach(
      principal,
      rule,
      ids,
      `SELECT d.id::text AS id, g.id::text AS "gridId", g.path::text AS path
         FROM dwelling_replica d JOIN grid_replica g ON g.id = d.grid_id WHERE d.id = ANY($1::uuid[])`,
      manager,
    );
  }

  private async outOfReach(
    principal: Principal,
    rule: AccessRule,
    ids: readonly string[],
    sql: string,
    manager: EntityManager,
  ): Promise<string[]> {
    if (ids.length === 0) return [];
    const rows = await manager.query<{ id: string; gridId: string; path: string }[]>(sql, [ids]);
    const reached = new Set(rows.filter((r) => canReach(principal, rule, { path: r.path, gridId: r.gridId })).map((r) => r.id));
    return ids.filter((id) => !reached.has(id.toLowerCase()));
  }
}

/** The tables, for a service's migration. */
export const REGISTRY_REPLICA_DDL = [
  `CREATE TABLE dwelling_replica (id uuid NOT NULL, grid_id uuid NOT NULL, source_time timestamptz NOT NULL, CONSTRAINT pk_dwelling_replica PRIMARY KEY (id))`,
  `CREATE TABLE household_replica (id uuid NOT NULL, dwelling_id uuid NOT NULL, grid_id uuid NOT NULL, source_time timestamptz NOT NULL,
     CONSTRAINT pk_household_replica PRIMARY KEY (id))`,
  `CREATE INDEX ix_household_replica_dwelling ON household_replica (dwelling_id)`,
  `CREATE TABLE resident_replica (id uuid NOT NULL, household_id uuid NOT NULL, grid_id uuid NOT NULL, source_time timestamptz NOT NULL,
     CONSTRAINT pk_resident_replica PRIMARY KEY (id))`,
];
export const REGISTRY_REPLICA_DROP = ['DROP TABLE resident_replica', 'DROP TABLE household_replica', 'DROP TABLE dwelling_replica'];
