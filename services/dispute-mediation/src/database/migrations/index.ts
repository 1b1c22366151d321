import { InitialSchema1764100000000 } from './1764100000000-initial-schema';
import { MediationPlatform1764200000000 } from './1764200000000-mediation-platform';
import { ReferralNamesItsSource1764300000000 } from './1764300000000-referral-names-its-source';
import { SessionLevel1764400000000 } from './1764400000000-session-level';
import { ReplicasForIds1764800000000 } from './1764800000000-replicas-for-ids';

/** In order. Never edit one that has shipped: add the next. */
export const migrations = [
  InitialSchema1764100000000,
  MediationPlatform1764200000000,
  ReferralNamesItsSource1764300000000,
  SessionLevel1764400000000,
  ReplicasForIds1764800000000,
];
