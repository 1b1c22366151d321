import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { hasRole, inReach, Principal, Role, RULES } from '@civgrid/auth';
import { DepartmentCreatedData, GridEvents, EventPayloads } from '@civgrid/contracts';
import { Outbox } from '@civgrid/events';
import { Connection, listPage, orderByKeys, sql } from '@civgrid/service-kit';
import { checkedPath } from '../common/paths';
import { AreaEntity } from '../area/area.entity';
import { DepartmentErrors } from './department.errors';
import { CreateDepartmentInput, DepartmentsArgs } from './dto/department.inputs';
import { DepartmentLevelEnum, DepartmentType } from './dto/department.type';

const COLUMNS = `id, code, name, kind, level, area_id AS "areaId", area_path::text AS "areaPath", contact_phone AS "contactPhone", address`;

/**
 * Departments are public institutions: everyone may read them (a grid member whistles to a
 * district bureau far outside their own grid). Creating one is for the district, or a town for its own.
 */
@Injectable()
export class DepartmentService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: Outbox<EventPayloads>,
  ) {}

  async create(principal: Principal, input: CreateDepartmentInput): Promise<DepartmentType> {
    if (input.level === DepartmentLevelEnum.DISTRICT && !hasRole(principal, Role.ADMIN, Role.DISTRICT_OFFICER)) {
      throw DepartmentErrors.districtLevelForbidden();
    }
    return this.dataSource.transaction(async (manager) => {
      const area = inReach(
        principal,
        RULES.department.create,
        await manager.findOneBy(AreaEntity, { id: input.areaId }),
        (a) => ({ path: a.path }),
        () => DepartmentErrors.areaNotFound(input.areaId),
      );
      if (area.level !== (input.level as string)) throw DepartmentErrors.levelMismatch(input.level, area.level);
      const [taken] = await manager.query<{ byCode: boolean }[]>(
        `SELECT code = $1 AS "byCode" FROM department WHERE code = $1 OR (area_id = $2 AND name = $3) LIMIT 1`,
        [input.code, area.id, input.name],
      );
      if (taken) throw taken.byCode ? DepartmentErrors.codeTaken(input.code) : DepartmentErrors.nameTaken(input.name);
      const department: DepartmentType = {
        id: randomUUID(),
        code: input.code,
        name: input.name,
        kind: input.kind,
        level: input.level,
        areaId: area.id,
        areaPath: area.path,
        contactPhone: input.contactPhone ?? null,
        address: input.address ?? null,
      };
      await manager.query(
        `INSERT INTO department (id, code, name, kind, level, area_id, area_path, contact_phone, address) VALUES ($1, $2, $3, $4, $5, $6, $7::ltree, $8, $9)`,
        [
          department.id,
          department.code,
          department.name,
          department.kind,
          department.level,
          area.id,
          area.path,
          department.contactPhone,
          department.address,
        ],
      );
      const data: DepartmentCreatedData = {
        departmentId: department.id,
        code: department.code,
        name: department.name,
        kind: department.kind,
        level: department.level,
        areaId: area.id,
        areaPath: area.path,
      };
      await this.outbox.add(manager, { type: GridEvents.departmentCreated, aggregateType: 'Department', aggregateId: department.id, data });
      return department;
    });
  }

  async byId(id: string): Promise<DepartmentType> {
    const [row] = await this.loadByIds([id]);
    if (!row || row instanceof Error) throw DepartmentErrors.notFound(id);
    return row;
  }

  async list(args: DepartmentsArgs): Promise<Connection<DepartmentType>> {
    return listPage(this.dataSource, {
      columns: sql.raw(COLUMNS),
      from: sql`department`,
      where: [
        args.underPath ? sql`area_path <@ ${checkedPath(args.underPath, 'underPath')}::ltree` : undefined,
        args.kind ? sql`kind = ${args.kind}` : undefined,
        args.level ? sql`level = ${args.level}` : undefined,
      ],
      keys: [['code', 'text']],
      direction: 'ASC',
      page: args,
      map: (r: DepartmentType) => r,
      cursorOf: (r) => [r.code],
    });
  }

  async loadByIds(ids: readonly string[]): Promise<(DepartmentType | Error)[]> {
    const rows = await this.dataSource.query<DepartmentType[]>(`SELECT ${COLUMNS} FROM department WHERE id = ANY($1::uuid[])`, [ids]);
    return orderByKeys(
      ids,
      rows,
      (d) => d.id,
      (id) => DepartmentErrors.notFound(id),
    );
  }
}
