import { InitialSchema1764100000000 } from './1764100000000-initial-schema';
import { HouseholdsResidentsCare1764300000000 } from './1764300000000-households-residents-care';
import { CheckInTokens1764500000000 } from './1764500000000-check-in-tokens';
import { MemberAssignmentReplica1764700000000 } from './1764700000000-member-assignment-replica';

/** In order. Never edit one that has shipped: add the next. */
export const migrations = [
  InitialSchema1764100000000,
  HouseholdsResidentsCare1764300000000,
  CheckInTokens1764500000000,
  MemberAssignmentReplica1764700000000,
];
