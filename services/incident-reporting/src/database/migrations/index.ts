import { InitialSchema1764100000000 } from './1764100000000-initial-schema';
import { IncidentWorkflow1764200000000 } from './1764200000000-incident-workflow';
import { DepartmentReplica1764300000000 } from './1764300000000-department-replica';
import { CareAlertSubject1764400000000 } from './1764400000000-care-alert-subject';
import { IncidentNumberPerYear1764500000000 } from './1764500000000-incident-number-per-year';
import { GridLeaderReplica1764600000000 } from './1764600000000-grid-leader-replica';
import { Open311ApiKeys1764716000000 } from './1764716000000-open311-api-keys';
import { RegistryReplica1764800000000 } from './1764800000000-registry-replica';

/** In order. Never edit one that has shipped: add the next. */
export const migrations = [
  InitialSchema1764100000000,
  IncidentWorkflow1764200000000,
  DepartmentReplica1764300000000,
  CareAlertSubject1764400000000,
  IncidentNumberPerYear1764500000000,
  GridLeaderReplica1764600000000,
  Open311ApiKeys1764716000000,
  RegistryReplica1764800000000,
];
