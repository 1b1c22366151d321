import { InitialSchema1764100000000 } from './1764100000000-initial-schema';
import { IncidentWorkflow1764200000000 } from './1764200000000-incident-workflow';
import { DepartmentReplica1764300000000 } from './1764300000000-department-replica';

/** In order. Never edit one that has shipped: add the next. */
export const migrations = [InitialSchema1764100000000, IncidentWorkflow1764200000000, DepartmentReplica1764300000000];
