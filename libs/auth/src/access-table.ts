import { ALL_ROLES, Role } from './roles';

/**
 * Which rows a role reaches with an action:
 * - `all`: every row of the district;
 * - `areas`: rows under the areas of the token (and, where an action says so, the areas above them);
 * - `grids`: rows of the grids of the token (which must also lie under its areas);
 * - `department`: rows that concern the department of the token (whistled to it, seated with it);
 * - `own`: the caller's own record.
 * A role not named for an action reaches nothing; a principal with several roles reaches the union.
 */
export type Reach = 'all' | 'areas' | 'grids' | 'department' | 'own';

/**
 * What a field shows to a role that reaches its row:
 * - `plain`: the value;
 * - `purpose`: masked unless the caller states why (then the value, and the read is audited);
 * - `masked`: always masked (138****5678);
 * - `hidden`: null.
 * A role not named for a field sees it `hidden`.
 */
export type FieldLevel = 'plain' | 'purpose' | 'masked' | 'hidden';

export type RoleReach = Partial<Record<Role, Reach | readonly Reach[]>>;

export interface ActionSpec {
  /** What the action is, for the table in the docs. */
  what: string;
  roles: RoleReach;
  /** `areas` takes in the areas above the caller's too (the breadcrumb of the tree). */
  above?: boolean;
  /** A rule the service checks on top of the reach (committee membership, being the reporter, …). */
  also?: string;
}

export interface FieldSpec {
  what: string;
  /** `Type.field` of every schema field the level applies to. */
  fields: readonly string[];
  levels: Partial<Record<Role, FieldLevel>>;
  also?: string;
}

export interface ResourceSpec {
  title: string;
  service: 'grid-organisation' | 'population-registry' | 'incident-reporting' | 'dispute-mediation';
  /** What `areas` means for a row of it, in words. */
  place: string;
  actions: Record<string, ActionSpec>;
  fields?: Record<string, FieldSpec>;
}

const { GRID_MEMBER: GM, COMMUNITY_OFFICER: CO, TOWN_OFFICER: TO, DISTRICT_OFFICER: DO } = Role;
const { DEPARTMENT_OFFICER: DEPT, MEDIATOR: MED, ANALYST: AN, ADMIN } = Role;

/** The named sets of roles the rules are written in; nothing else spells a list of roles. */
export const ROLE_SETS = {
  /** Officers of an area: community (village), town (street), district. */
  AREA_OFFICERS: [CO, TO, DO],
  /** Area officers and the administrator: who manage the grids and the registry of an area. */
  OFFICERS: [CO, TO, DO, ADMIN],
  /** Who works the grids: grid members and the officers above them (registry, reports, visits). */
  GRID_WORKERS: [GM, CO, TO, DO, ADMIN],
  /** Who takes part in mediation. */
  MEDIATION: [CO, TO, DO, MED, ADMIN],
  /** Who may unmask a national ID number, with a stated purpose: officers who certify. */
  NATIONAL_ID_READERS: [CO, TO, DO, ADMIN],
  /** Who may unmask a resident's phone, with a stated purpose: those who call residents. */
  PHONE_READERS: [GM, CO, TO, ADMIN],
  /** Who sees key-population tags (disabled, living alone, …): the grid and the community. */
  TAG_READERS: [GM, CO, ADMIN],
} as const satisfies Record<string, readonly Role[]>;

const each = (roles: readonly Role[], reach: Reach | readonly Reach[]): RoleReach => Object.fromEntries(roles.map((r) => [r, reach]));
const levels = (roles: readonly Role[], level: FieldLevel): Partial<Record<Role, FieldLevel>> =>
  Object.fromEntries(roles.map((r) => [r, level]));

/** Grid-bound rows: a grid member their grids, officers their areas, the administrator all. */
const GRID_ROWS: RoleReach = { [GM]: 'grids', ...each(ROLE_SETS.AREA_OFFICERS, 'areas'), [ADMIN]: 'all' };
const OFFICERS_IN_AREAS: RoleReach = { ...each(ROLE_SETS.AREA_OFFICERS, 'areas'), [ADMIN]: 'all' };
const EVERYONE: RoleReach = each(ALL_ROLES, 'all');
const NOT_FOR_ANALYSTS = levels(
  ALL_ROLES.filter((r) => r !== AN),
  'plain',
);

/**
 * Who may see and do what: the one table. Resolvers declare `@Access(RULES.<resource>.<action>)`,
 * services filter rows with the same rule, the docs print it and the access tests are made from it.
 */
export const ACCESS_TABLE = {
  area: {
    title: 'Administrative areas (district, towns and streets, villages and communities)',
    service: 'grid-organisation',
    place: 'the area itself',
    actions: {
      read: { what: 'read the tree', roles: { ...each(ALL_ROLES, 'areas'), [DEPT]: 'all', [ADMIN]: 'all' }, above: true },
      create: { what: 'create an area', roles: { [DO]: 'areas', [ADMIN]: 'all' }, also: 'a district (no parent): the administrator only' },
      rename: { what: 'rename an area', roles: { [TO]: 'areas', [DO]: 'areas', [ADMIN]: 'all' } },
    },
  },
  grid: {
    title: 'Grids and their coverage, reshaping history',
    service: 'grid-organisation',
    place: 'the grid',
    actions: {
      read: {
        what: 'read grids',
        roles: { [GM]: 'grids', ...each([CO, TO, DO, MED, AN], 'areas'), [DEPT]: 'all', [ADMIN]: 'all' },
      },
      manage: { what: 'create, change, retire, split, merge grids; move coverage', roles: OFFICERS_IN_AREAS },
    },
  },
  gridMember: {
    title: 'Grid members and their assignments',
    service: 'grid-organisation',
    place: 'the area the member works for; for `grids`, members assigned to the caller’s grids now',
    actions: {
      read: {
        what: 'read members and assignments',
        roles: { [GM]: ['grids', 'own'], ...each([CO, TO, DO, MED], ['areas', 'own']), [DEPT]: 'own', [ADMIN]: 'all' },
      },
      manage: { what: 'register members, assign them to grids, end assignments', roles: OFFICERS_IN_AREAS },
    },
    fields: {
      phone: {
        what: 'a member’s phone',
        fields: ['GridMember.phone'],
        levels: { ...levels(ROLE_SETS.OFFICERS, 'purpose'), ...levels([GM, MED, DEPT], 'masked') },
        also: 'the member themself and their grid leader may unmask it with a purpose too',
      },
    },
  },
  department: {
    title: 'Departments (court, bureaus, …)',
    service: 'grid-organisation',
    place: 'the area the department serves',
    actions: {
      read: { what: 'read departments', roles: EVERYONE },
      create: {
        what: 'create a department',
        roles: { [TO]: 'areas', [DO]: 'areas', [ADMIN]: 'all' },
        also: 'district-level: district officers and the administrator',
      },
    },
  },
  statistics: {
    title: 'Counts: grid health, population counts, visit coverage, incidents resolved in the bud',
    service: 'grid-organisation',
    place: 'the grids counted',
    actions: {
      read: { what: 'read counts and shares', roles: { [GM]: 'grids', ...each([CO, TO, DO, AN], 'areas'), [ADMIN]: 'all' } },
    },
  },
  registry: {
    title: 'Dwellings, households, residents and their history',
    service: 'population-registry',
    place: 'the grid of the dwelling',
    actions: {
      read: { what: 'read (and look up by national ID)', roles: GRID_ROWS },
      write: { what: 'register, move, transfer, tag, record a return; import a ledger', roles: GRID_ROWS },
      export: { what: 'export an area’s ledger', roles: OFFICERS_IN_AREAS },
    },
    fields: {
      nationalId: {
        what: 'national ID number',
        fields: ['Resident.nationalId'],
        levels: { [GM]: 'masked', ...levels(ROLE_SETS.NATIONAL_ID_READERS, 'purpose') },
      },
      phone: {
        what: 'a resident’s phone, and a wellbeing contact’s name and phone',
        fields: ['Resident.phone', 'WellbeingContact.name', 'WellbeingContact.phone'],
        levels: { [DO]: 'masked', ...levels(ROLE_SETS.PHONE_READERS, 'purpose') },
      },
      tags: {
        what: 'key-population tags',
        fields: ['Resident.tags'],
        levels: levels(ROLE_SETS.TAG_READERS, 'plain'),
      },
    },
  },
  care: {
    title: 'Wellbeing-check agreements, check-ins and check-in tokens',
    service: 'population-registry',
    place: 'the grid of the resident',
    actions: {
      read: { what: 'read agreements and today’s checks', roles: GRID_ROWS },
      write: {
        what: 'agree, end, check in, issue and revoke tokens',
        roles: GRID_ROWS,
        also: 'the responsible member must work on the resident’s grid',
      },
    },
  },
  visit: {
    title: 'Household visits and recorded needs',
    service: 'population-registry',
    place: 'the grid of the household',
    actions: {
      read: { what: 'read visits and needs', roles: GRID_ROWS },
      write: { what: 'record visits and needs, meet needs', roles: GRID_ROWS },
    },
  },
  incident: {
    title: 'Incidents, their photos and timeline',
    service: 'incident-reporting',
    place: 'the grid where it happened; for `department`, incidents whistled to the department',
    actions: {
      read: { what: 'read incidents', roles: { ...GRID_ROWS, [MED]: 'areas', [AN]: 'areas', [DEPT]: 'department' } },
      report: { what: 'report an incident, upload photos', roles: GRID_ROWS },
      accept: { what: 'accept, reject, assign', roles: OFFICERS_IN_AREAS },
      work: { what: 'start work, resolve, escalate', roles: GRID_ROWS },
      verify: {
        what: 'close (verify the fix) or reopen',
        roles: GRID_ROWS,
        also: 'a grid member only as the reporter or the grid leader of the grid (or a grid above it)',
      },
    },
    fields: {
      words: {
        what: 'words people wrote, and photos',
        fields: ['Incident.title', 'Incident.description', 'Incident.rejectionReason', 'Incident.photos', 'IncidentTimelineEntry.note'],
        levels: NOT_FOR_ANALYSTS,
      },
      people: {
        what: 'who: reporters, assignees, actors, residents',
        fields: [
          'Incident.reportedBy',
          'Incident.assigneeId',
          'Incident.reporterResident',
          'Incident.subjectResident',
          'Incident.wellbeingAgreementId',
          'IncidentTimelineEntry.actorId',
        ],
        levels: NOT_FOR_ANALYSTS,
      },
      place: {
        what: 'where, finer than the grid: address, dwelling, coordinates',
        fields: ['IncidentLocation.addressText', 'IncidentLocation.dwelling', 'IncidentLocation.latitude', 'IncidentLocation.longitude'],
        levels: NOT_FOR_ANALYSTS,
      },
    },
  },
  whistle: {
    title: 'Whistles (吹哨) and departments’ reports (报到)',
    service: 'incident-reporting',
    place: 'the grid of the incident; for `department`, whistles addressed to the department',
    actions: {
      read: { what: 'read whistles', roles: { ...GRID_ROWS, [MED]: 'areas', [AN]: 'areas', [DEPT]: 'department' } },
      blow: { what: 'blow the whistle', roles: OFFICERS_IN_AREAS },
      report: { what: 'report for duty', roles: { [DEPT]: 'department' } },
    },
    fields: {
      words: { what: 'notes and responses', fields: ['Whistle.note', 'WhistleDepartment.response'], levels: NOT_FOR_ANALYSTS },
      people: { what: 'who blew and who reported', fields: ['Whistle.blownBy', 'WhistleDepartment.reportedBy'], levels: NOT_FOR_ANALYSTS },
    },
  },
  dispute: {
    title: 'Disputes, their parties, steps, agreements and follow-ups; mediation sessions',
    service: 'dispute-mediation',
    place: 'the grid where it arose; for `department`, disputes with a session the department takes part in',
    actions: {
      read: { what: 'read disputes and sessions', roles: { ...GRID_ROWS, [MED]: 'areas', [AN]: 'areas', [DEPT]: 'department' } },
      register: {
        what: 'register a dispute',
        roles: { ...OFFICERS_IN_AREAS, [MED]: 'areas' },
        also: 'a mediator on an active committee whose area covers the level; an origin incident the caller may read',
      },
      act: {
        what: 'accept, escalate, agree, refer, withdraw, close, follow up; schedule, record, cancel sessions',
        roles: { ...OFFICERS_IN_AREAS, [MED]: 'areas' },
        also: 'the officer of the dispute’s level, or a mediator on the committee of that level and area',
      },
    },
    fields: {
      words: {
        what: 'words of the case: summary, names, terms, notes, minutes',
        fields: [
          'Dispute.summary',
          'DisputeParty.name',
          'Agreement.terms',
          'DisputeStep.note',
          'FollowUpVisit.note',
          'MediationSession.minutes',
          'MediationSession.attendance',
        ],
        levels: levels([...ROLE_SETS.MEDIATION, DEPT], 'plain'),
      },
      people: {
        what: 'who: residents who are parties, who registered, acted and visited',
        fields: [
          'DisputeParty.residentId',
          'DisputeParty.resident',
          'Dispute.registeredBy',
          'DisputeStep.actor',
          'FollowUpVisit.recordedBy',
        ],
        levels: NOT_FOR_ANALYSTS,
      },
    },
  },
  mediationPlatform: {
    title: 'Mediation committees, mediators, centres and rooms',
    service: 'dispute-mediation',
    place: 'the area of the committee or centre',
    actions: {
      read: { what: 'read the directory (lists are of your areas and those above them)', roles: EVERYONE },
      manage: { what: 'create committees and centres, add mediators and rooms, seat departments', roles: OFFICERS_IN_AREAS },
    },
  },
  taxonomy: {
    title: 'Incident categories and service levels',
    service: 'incident-reporting',
    place: 'not placed',
    actions: { read: { what: 'read the taxonomy', roles: EVERYONE } },
  },
  open311Key: {
    title: 'Open311 API keys of client applications',
    service: 'incident-reporting',
    place: 'not placed',
    actions: { manage: { what: 'issue, list and revoke Open311 API keys', roles: { [ADMIN]: 'all' } } },
  },
} as const satisfies Record<string, ResourceSpec>;

export type ResourceName = keyof typeof ACCESS_TABLE;
