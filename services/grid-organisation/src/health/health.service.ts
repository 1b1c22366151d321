import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { assertCanAskAbout, Principal, reachCondition, RULES } from '@civgrid/auth';
import { GridHouseholdCountChangedData, PopulationCountEvents } from '@civgrid/contracts';
import { CloudEvent } from '@civgrid/events';
import { CONFIG, EventHandlers, groupByKeys } from '@civgrid/service-kit';
import { checkedPath } from '../common/paths';
import { GridOrganisationConfig } from '../config/config';
import { GeoJsonPolygon } from '../geometry/polygon';
import { GridHealthArgs } from './dto/health.args';
import { GridHealthType, GridPopulationCountsType, GridProblemKindEnum, GridProblemType } from './dto/health.type';
import { describeOverlap, overlaps } from './overlap';

/**
 * The four problems the source names, computed from this service's own tables: household counts
 * arrive only as population events (never by calling the registry), so figures follow the events.
 */
@Injectable()
export class HealthService implements OnModuleInit {
  constructor(
    private readonly dataSource: DataSource,
    private readonly handlers: EventHandlers,
    @Inject(CONFIG) private readonly config: GridOrganisationConfig,
  ) {}

  onModuleInit(): void {
    this.handlers.on(PopulationCountEvents.gridHouseholdCountChanged, (event, manager) => this.recordCounts(event, manager));
  }

  /** Keeps the newest count per grid: a late or replayed older event changes nothing. */
  private async recordCounts(event: CloudEvent<GridHouseholdCountChangedData>, manager: EntityManager): Promise<void> {
    const data = event.data;
    await manager.query(
      `INSERT INTO grid_household_count (grid_id, households, residents, as_of, event_id) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (grid_id) DO UPDATE SET households = EXCLUDED.households, residents = EXCLUDED.residents,
         as_of = EXCLUDED.as_of, event_id = EXCLUDED.event_id, updated_at = now()
       WHERE grid_household_count.as_of <= EXCLUDED.as_of`,
      [data.gridId, data.households, data.residents, data.asOf, event.id],
    );
  }

  async report(principal: Principal, args: GridHealthArgs): Promise<GridHealthType> {
    assertCanAskAbout(principal, RULES.statistics.read, checkedPath(args.areaPath, 'areaPath'));
    const wanted = new Set(args.kinds?.length ? args.kinds : Object.values(GridProblemKindEnum));
    const {
      GRID_HEALTH_MAX_HOUSEHOLDS: maxHouseholds,
      GRID_HEALTH_MAX_GRIDS_PER_MEMBER: maxGrids,
      GRID_HEALTH_MAX_HOUSEHOLDS_PER_MEMBER: maxMemberHouseholds,
    } = this.config;
    // Every statement keeps to the grids under the area whose counts the reader may see.
    const q = <T>(sql: (visible: (alias: string) => string) => string, params: unknown[]): Promise<T[]> => {
      const all = [...params];
      const text = sql((alias) => reachCondition(principal, RULES.statistics.read, { path: `${alias}.path`, gridId: `${alias}.id` }, all));
      return this.dataSource.query<T[]>(text, all);
    };
    const area = checkedPath(args.areaPath, 'areaPath');
    const [[summary], tooLarge, unstaffed, itemOverlaps, outlines, overloaded] = await Promise.all([
      q<{ activeGrids: number; countsAsOf: Date | null }>(
        (visible) => `SELECT count(*)::int AS "activeGrids", max(c.as_of) AS "countsAsOf"
           FROM grid g LEFT JOIN grid_household_count c ON c.grid_id = g.id
          WHERE g.status = 'ACTIVE' AND g.path <@ $1::ltree AND ${visible('g')}`,
        [area],
      ),
      wanted.has(GridProblemKindEnum.TOO_LARGE)
        ? q<{ id: string; code: string; households: number }>(
            (visible) => `SELECT g.id, g.code, c.households FROM grid g JOIN grid_household_count c ON c.grid_id = g.id
              WHERE g.status = 'ACTIVE' AND g.path <@ $1::ltree AND c.households > $2 AND ${visible('g')}
              ORDER BY c.households DESC, g.path`,
            [area, maxHouseholds],
          )
        : [],
      wanted.has(GridProblemKindEnum.UNSTAFFED)
        ? q<{ id: string; code: string }>(
            (visible) => `SELECT g.id, g.code FROM grid g
              WHERE g.status = 'ACTIVE' AND g.path <@ $1::ltree AND ${visible('g')}
                AND NOT EXISTS (SELECT 1 FROM grid_assignment a WHERE a.grid_id = g.id AND a.active_from <= now() AND (a.active_to IS NULL OR a.active_to > now()))
              ORDER BY g.path`,
            [area],
          )
        : [],
      wanted.has(GridProblemKindEnum.OVERLAPPING)
        ? q<{ a: string; b: string; aCode: string; bCode: string; keys: string[] }>(
            (
              visible,
            ) => `SELECT ga.id AS a, gb.id AS b, ga.code AS "aCode", gb.code AS "bCode", array_agg(x.item_key ORDER BY x.item_key) AS keys
               FROM grid_coverage_item x
               JOIN grid_coverage_item y ON y.area_id = x.area_id AND y.item_key = x.item_key AND y.grid_id > x.grid_id
               JOIN grid ga ON ga.id = x.grid_id AND ga.status = 'ACTIVE'
               JOIN grid gb ON gb.id = y.grid_id AND gb.status = 'ACTIVE'
              WHERE ga.path <@ $1::ltree AND gb.path <@ $1::ltree AND NOT (ga.path <@ gb.path OR gb.path <@ ga.path)
                AND ${visible('ga')} AND ${visible('gb')}
              GROUP BY ga.id, gb.id, ga.code, gb.code`,
            [area],
          )
        : [],
      wanted.has(GridProblemKindEnum.OVERLAPPING)
        ? q<{ id: string; code: string; path: string; boundary: GeoJsonPolygon }>(
            (visible) => `SELECT g.id, g.code, g.path::text AS path, g.boundary FROM grid g
              WHERE g.status = 'ACTIVE' AND g.boundary IS NOT NULL AND g.path <@ $1::ltree AND ${visible('g')}`,
            [area],
          )
        : [],
      // A member's load counts the grids under this area that the reader may see, no others: the
      // report never reveals (or counts) a grid outside what was asked and what the reader may see.
      wanted.has(GridProblemKindEnum.MEMBER_OVERLOADED)
        ? q<{ memberId: string; gridIds: string[]; grids: number; households: number }>(
            (visible) => `SELECT s.member_id AS "memberId", array_agg(g.id ORDER BY g.path) AS "gridIds", count(*)::int AS grids,
                    COALESCE(sum(c.households), 0)::int AS households
               FROM (SELECT DISTINCT a.member_id, a.grid_id FROM grid_assignment a
                      WHERE a.active_from <= now() AND (a.active_to IS NULL OR a.active_to > now())) s
               JOIN grid g ON g.id = s.grid_id AND g.status = 'ACTIVE' AND g.path <@ $1::ltree AND ${visible('g')}
               LEFT JOIN grid_household_count c ON c.grid_id = g.id
              GROUP BY s.member_id
             HAVING count(*) > $2 OR COALESCE(sum(c.households), 0) > $3
              ORDER BY count(*) DESC, s.member_id`,
            [area, maxGrids, maxMemberHouseholds],
          )
        : [],
    ]);

    // Overlaps by coverage and by outline, one problem per pair of grids.
    const codes = new Map<string, string>([
      ...itemOverlaps.flatMap((o): [string, string][] => [
        [o.a, o.aCode],
        [o.b, o.bCode],
      ]),
      ...outlines.map((o): [string, string] => [o.id, o.code]),
    ]);
    const overlapping: GridProblemType[] = overlaps(itemOverlaps, outlines)
      .map((o) => ({
        kind: GridProblemKindEnum.OVERLAPPING,
        description: describeOverlap(o, (id) => codes.get(id) ?? id),
        households: null,
        coverageKeys: o.coverageKeys,
        boundariesOverlap: o.boundariesOverlap,
        gridIds: o.gridIds,
        memberId: null,
      }))
      .sort((a, b) => a.description.localeCompare(b.description));

    const problem = (
      kind: GridProblemKindEnum,
      description: string,
      gridIds: string[],
      extra: Partial<GridProblemType> = {},
    ): GridProblemType => ({
      kind,
      description,
      households: null,
      coverageKeys: [],
      boundariesOverlap: false,
      gridIds,
      memberId: null,
      ...extra,
    });
    const lists: Record<GridProblemKindEnum, GridProblemType[]> = {
      [GridProblemKindEnum.TOO_LARGE]: tooLarge.map((g) =>
        problem(GridProblemKindEnum.TOO_LARGE, `Grid ${g.code} has ${g.households} households, more than ${maxHouseholds}.`, [g.id], {
          households: g.households,
        }),
      ),
      [GridProblemKindEnum.OVERLAPPING]: overlapping,
      [GridProblemKindEnum.UNSTAFFED]: unstaffed.map((g) =>
        problem(GridProblemKindEnum.UNSTAFFED, `Nobody is assigned to grid ${g.code}.`, [g.id]),
      ),
      [GridProblemKindEnum.MEMBER_OVERLOADED]: overloaded.map((m) =>
        problem(
          GridProblemKindEnum.MEMBER_OVERLOADED,
          `A member looks after ${m.grids} grids with ${m.households} households here (limits: ${maxGrids} grids, ${maxMemberHouseholds} households).`,
          m.gridIds,
          { memberId: m.memberId, households: m.households },
        ),
      ),
    };
    const kinds = Object.values(GridProblemKindEnum).filter((k) => wanted.has(k));
    return {
      areaPath: area,
      checkedAt: new Date(),
      countsAsOf: summary?.countsAsOf ?? null,
      thresholds: { maxHouseholds, maxGridsPerMember: maxGrids, maxHouseholdsPerMember: maxMemberHouseholds },
      totals: {
        activeGrids: summary?.activeGrids ?? 0,
        tooLarge: lists.TOO_LARGE.length,
        overlapping: lists.OVERLAPPING.length,
        unstaffed: lists.UNSTAFFED.length,
        memberOverloaded: lists.MEMBER_OVERLOADED.length,
      },
      problems: kinds.flatMap((k) => lists[k].slice(0, args.limit)),
    };
  }

  async loadCounts(gridIds: readonly string[]): Promise<(GridPopulationCountsType | null)[]> {
    const rows = await this.dataSource.query<GridPopulationCountsType[]>(
      `SELECT grid_id AS "gridId", households, residents, as_of AS "asOf" FROM grid_household_count WHERE grid_id = ANY($1::uuid[])`,
      [gridIds],
    );
    return groupByKeys(gridIds, rows, (r) => r.gridId).map((list) => list[0] ?? null);
  }
}
