import { ESCALATION_LEVELS, IncidentCategory, IncidentPriority, INCIDENT_CATEGORIES } from '@civgrid/contracts';
import type { IncidentReportingConfig } from '../config/config';

export interface ServiceLevel {
  acceptMinutes: number;
  resolveMinutes: number;
  /** A missed deadline moves the incident one level up (grid → village → town → district). */
  autoEscalate: boolean;
}

export interface CategoryDefinition {
  category: IncidentCategory;
  name: string;
  subcategories: string[];
  serviceLevel: ServiceLevel;
  /** Offered to Open311 clients (care alerts come only from the population registry). */
  public: boolean;
}

const H = 60;

// The defaults a district starts with; INCIDENT_SUBCATEGORIES and INCIDENT_SERVICE_LEVELS add and override.
const DEFAULTS: Record<IncidentCategory, Omit<CategoryDefinition, 'category'>> = {
  PUBLIC_SAFETY: {
    name: 'Public safety',
    subcategories: ['FIRE_HAZARD', 'ROAD_SAFETY', 'UNSAFE_BUILDING'],
    serviceLevel: { acceptMinutes: 1 * H, resolveMinutes: 24 * H, autoEscalate: true },
    public: true,
  },
  ENVIRONMENT_SANITATION: {
    name: 'Environment and sanitation',
    subcategories: ['RUBBISH', 'SEWAGE', 'NOISE', 'ILLEGAL_DUMPING'],
    serviceLevel: { acceptMinutes: 4 * H, resolveMinutes: 72 * H, autoEscalate: false },
    public: true,
  },
  INFRASTRUCTURE: {
    name: 'Infrastructure',
    subcategories: ['ROAD_DAMAGE', 'STREET_LIGHT', 'WATER_SUPPLY', 'POWER_SUPPLY'],
    serviceLevel: { acceptMinutes: 4 * H, resolveMinutes: 7 * 24 * H, autoEscalate: true },
    public: true,
  },
  PROPERTY_MANAGEMENT: {
    name: 'Property management',
    subcategories: ['ROOF_WATERPROOFING', 'SOLAR_HEATER', 'ELEVATOR', 'PARKING'],
    serviceLevel: { acceptMinutes: 8 * H, resolveMinutes: 7 * 24 * H, autoEscalate: false },
    public: true,
  },
  DISPUTE: {
    name: 'Dispute',
    subcategories: ['FAMILY', 'NEIGHBOURHOOD', 'PROPERTY_MANAGEMENT', 'HOUSING_SALES', 'LAND_REQUISITION'],
    serviceLevel: { acceptMinutes: 8 * H, resolveMinutes: 14 * 24 * H, autoEscalate: true },
    public: true,
  },
  SOCIAL_ASSISTANCE: {
    name: 'Social assistance',
    subcategories: ['BUYING_GROCERIES', 'HEALTH_CODE', 'DIGITAL_HELP'],
    serviceLevel: { acceptMinutes: 8 * H, resolveMinutes: 3 * 24 * H, autoEscalate: false },
    public: true,
  },
  CARE_ALERT: {
    name: 'Care alert',
    subcategories: ['MISSED_WELLBEING_CHECK'],
    serviceLevel: { acceptMinutes: 30, resolveMinutes: 4 * H, autoEscalate: true },
    public: false,
  },
  OTHER: {
    name: 'Other',
    subcategories: [],
    serviceLevel: { acceptMinutes: 24 * H, resolveMinutes: 14 * 24 * H, autoEscalate: false },
    public: true,
  },
};

/**
 * The service's one list of categories (the event contract's, which DEFAULTS must cover): the
 * GraphQL enum, the configuration's checks and the SQL that hides categories are built from it.
 */
export const CATEGORIES = INCIDENT_CATEGORIES;

export const isCategory = (code: string): code is IncidentCategory => (CATEGORIES as readonly string[]).includes(code);

/** Never shown outside the service, whatever the configuration (care alerts name a resident to visit). */
export const NEVER_PUBLIC: readonly IncidentCategory[] = CATEGORIES.filter((c) => !DEFAULTS[c].public);

export type Taxonomy = ReadonlyMap<IncidentCategory, CategoryDefinition>;

/** The Nest token of the service's taxonomy (built once from the configuration by the incident module). */
export const TAXONOMY = Symbol('incident-reporting:taxonomy');

export function buildTaxonomy(config: Pick<IncidentReportingConfig, 'INCIDENT_SUBCATEGORIES' | 'INCIDENT_SERVICE_LEVELS'>): Taxonomy {
  return new Map(
    CATEGORIES.map((category) => {
      const base = DEFAULTS[category];
      const extra = config.INCIDENT_SUBCATEGORIES?.[category] ?? [];
      const override = config.INCIDENT_SERVICE_LEVELS?.[category] ?? {};
      const serviceLevel = { ...base.serviceLevel, ...override };
      if (serviceLevel.resolveMinutes < serviceLevel.acceptMinutes)
        throw new Error(`${category}: resolveMinutes is shorter than acceptMinutes`);
      return [category, { category, ...base, subcategories: [...new Set([...base.subcategories, ...extra])], serviceLevel }];
    }),
  );
}

export interface Deadlines {
  acceptDueAt: Date;
  resolveDueAt: Date;
}

// Urgent work gets half the time, low-priority work half again as much.
const PRIORITY_FACTOR: Record<IncidentPriority, number> = { URGENT: 0.5, HIGH: 0.75, NORMAL: 1, LOW: 1.5 };

/** Both deadlines of a service level counted from a moment (the report, or an escalation). */
export function deadlinesFrom(level: ServiceLevel, priority: IncidentPriority, from: Date): Deadlines {
  const factor = PRIORITY_FACTOR[priority];
  const minutes = (m: number) => Math.max(1, Math.round(m * factor)) * 60_000;
  return {
    acceptDueAt: new Date(from.getTime() + minutes(level.acceptMinutes)),
    resolveDueAt: new Date(from.getTime() + minutes(level.resolveMinutes)),
  };
}

/** The levels from the grid up (the contract's list, in its order). */
export const ESCALATION_ORDER = ESCALATION_LEVELS;
export type EscalationLevelCode = (typeof ESCALATION_ORDER)[number];

/** The level above, or null at the top. */
export function nextLevel(level: EscalationLevelCode): EscalationLevelCode | null {
  const i = ESCALATION_ORDER.indexOf(level);
  return i < ESCALATION_ORDER.length - 1 ? ESCALATION_ORDER[i + 1] : null;
}
