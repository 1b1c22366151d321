export enum Role {
  GRID_MEMBER = 'GRID_MEMBER',
  COMMUNITY_OFFICER = 'COMMUNITY_OFFICER',
  TOWN_OFFICER = 'TOWN_OFFICER',
  DISTRICT_OFFICER = 'DISTRICT_OFFICER',
  DEPARTMENT_OFFICER = 'DEPARTMENT_OFFICER',
  MEDIATOR = 'MEDIATOR',
  ANALYST = 'ANALYST',
  ADMIN = 'ADMIN',
}

export const ALL_ROLES: readonly Role[] = Object.values(Role);

/** Who is asking: taken from a verified token, never from the request body. */
export interface Principal {
  readonly userId: string;
  readonly name?: string;
  readonly roles: readonly Role[];
  /** ltree paths of the administrative areas this user may see. */
  readonly areas: readonly string[];
  /** For grid members: the grids they look after. */
  readonly grids: readonly string[];
  /** For department officers: their department. */
  readonly departmentId?: string;
}

export const hasRole = (p: Principal, ...roles: Role[]): boolean => roles.some((r) => p.roles.includes(r));
