import { Type } from '@sinclair/typebox';
import { PayloadsOf, eventSchema, isoDate, oneOf, uuid } from './schema-parts';

export const PopulationEvents = {
  dwellingRegistered: 'civgrid.population.dwelling-registered.v1',
  dwellingRehomed: 'civgrid.population.dwelling-rehomed.v1',
  householdRegistered: 'civgrid.population.household-registered.v1',
  householdMoved: 'civgrid.population.household-moved.v1',
  householdMemberJoined: 'civgrid.population.household-member-joined.v1',
  householdMemberLeft: 'civgrid.population.household-member-left.v1',
  residentRegistered: 'civgrid.population.resident-registered.v1',
  residentMovedOut: 'civgrid.population.resident-moved-out.v1',
  residentDeceased: 'civgrid.population.resident-deceased.v1',
  residentReturned: 'civgrid.population.resident-returned.v1',
  tagAdded: 'civgrid.population.tag-added.v1',
  tagRemoved: 'civgrid.population.tag-removed.v1',
  visitRecorded: 'civgrid.population.visit-recorded.v1',
  checkInRecorded: 'civgrid.population.check-in-recorded.v1',
  needRecorded: 'civgrid.population.need-recorded.v1',
  needMet: 'civgrid.population.need-met.v1',
  importCompleted: 'civgrid.population.import-completed.v1',
} as const;

export const DWELLING_KINDS = ['APARTMENT', 'RURAL_HOUSE', 'SHOP', 'OTHER'] as const;
export type DwellingKind = (typeof DWELLING_KINDS)[number];

export const DWELLING_OCCUPANCIES = ['OWNER_OCCUPIED', 'RENTED', 'VACANT'] as const;
export type DwellingOccupancy = (typeof DWELLING_OCCUPANCIES)[number];

export const REGISTRATION_TYPES = ['PERMANENT', 'RESIDENT_NOT_REGISTERED', 'FLOATING'] as const;
export type RegistrationType = (typeof REGISTRATION_TYPES)[number];

export const VISIT_KINDS = ['ROUTINE_QUARTERLY', 'FOLLOW_UP', 'CARE'] as const;
export type VisitKind = (typeof VISIT_KINDS)[number];

export const CHECK_SIGNALS = ['CURTAINS_OPENED', 'PHONE_CALL', 'APP_CHECK_IN'] as const;
export type CheckSignal = (typeof CHECK_SIGNALS)[number];

const count = Type.Integer({ minimum: 0 });
/** The same shape for registered, moved out, deceased and returned: never a name, an ID number or a phone. */
const resident = { residentId: uuid, householdId: uuid, gridId: uuid };
/** The same shape for joined and left. */
const membership = { householdId: uuid, residentId: uuid, gridId: uuid };
/** The tag's kind stays here too: "disabled" next to a resident id is personal data. */
const tag = { tagId: uuid, residentId: uuid, gridId: uuid };
/** The same shape for recorded and met. */
const need = { needId: uuid, householdId: uuid, gridId: uuid };

export const populationEventDefinitions = {
  /** Ids and codes only: the address never leaves the population registry. */
  [PopulationEvents.dwellingRegistered]: eventSchema('A dwelling was registered in a grid', {
    dwellingId: uuid,
    gridId: uuid,
    kind: oneOf(DWELLING_KINDS),
    occupancy: oneOf(DWELLING_OCCUPANCIES),
  }),
  [PopulationEvents.dwellingRehomed]: eventSchema('A dwelling moved to another grid when grids were reshaped', {
    dwellingId: uuid,
    fromGridId: uuid,
    toGridId: uuid,
    reshapeId: uuid,
  }),
  [PopulationEvents.householdRegistered]: eventSchema('A household was registered', {
    householdId: uuid,
    dwellingId: uuid,
    gridId: uuid,
    registrationType: oneOf(REGISTRATION_TYPES),
  }),
  [PopulationEvents.householdMoved]: eventSchema('A whole household moved to another dwelling', {
    householdId: uuid,
    fromDwellingId: uuid,
    toDwellingId: uuid,
    fromGridId: uuid,
    toGridId: uuid,
  }),
  [PopulationEvents.householdMemberJoined]: eventSchema('A resident joined a household', membership),
  [PopulationEvents.householdMemberLeft]: eventSchema('A resident left a household', membership),
  [PopulationEvents.residentRegistered]: eventSchema('A resident was registered', resident),
  [PopulationEvents.residentMovedOut]: eventSchema('A resident moved out', resident),
  [PopulationEvents.residentDeceased]: eventSchema('A resident died', resident),
  [PopulationEvents.residentReturned]: eventSchema('A resident who had moved out came back, to the household named', resident),
  [PopulationEvents.tagAdded]: eventSchema('A key-population tag was added to a resident', tag),
  [PopulationEvents.tagRemoved]: eventSchema('A key-population tag of a resident ended', tag),
  [PopulationEvents.visitRecorded]: eventSchema('A household visit was recorded', {
    visitId: uuid,
    householdId: uuid,
    gridId: uuid,
    kind: oneOf(VISIT_KINDS),
  }),
  [PopulationEvents.checkInRecorded]: eventSchema('A wellbeing check-in was recorded', {
    checkInId: uuid,
    agreementId: uuid,
    residentId: uuid,
    gridId: uuid,
    day: isoDate,
    /** The sign that was seen: curtains, a call, the resident's own app. */
    signal: oneOf(CHECK_SIGNALS),
    /** True when the resident checked in themselves (the app), false when a grid member recorded it. */
    byResident: Type.Boolean(),
  }),
  [PopulationEvents.needRecorded]: eventSchema('A need was recorded', need),
  [PopulationEvents.needMet]: eventSchema('A need was met', need),
  [PopulationEvents.importCompleted]: eventSchema('A ledger import completed', {
    importId: uuid,
    gridId: uuid,
    accepted: count,
    rejected: count,
  }),
};

export type PopulationPayloads = PayloadsOf<typeof populationEventDefinitions>;
export type DwellingRegisteredData = PopulationPayloads[typeof PopulationEvents.dwellingRegistered];
export type DwellingRehomedData = PopulationPayloads[typeof PopulationEvents.dwellingRehomed];
export type HouseholdRegisteredData = PopulationPayloads[typeof PopulationEvents.householdRegistered];
export type HouseholdMovedData = PopulationPayloads[typeof PopulationEvents.householdMoved];
export type HouseholdMembershipData = PopulationPayloads[typeof PopulationEvents.householdMemberJoined];
export type ResidentEventData = PopulationPayloads[typeof PopulationEvents.residentRegistered];
export type TagEventData = PopulationPayloads[typeof PopulationEvents.tagAdded];
export type VisitRecordedData = PopulationPayloads[typeof PopulationEvents.visitRecorded];
export type CheckInRecordedData = PopulationPayloads[typeof PopulationEvents.checkInRecorded];
export type NeedEventData = PopulationPayloads[typeof PopulationEvents.needRecorded];
export type ImportCompletedData = PopulationPayloads[typeof PopulationEvents.importCompleted];
