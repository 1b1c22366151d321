import { InitialSchema1764000000000 } from './1764000000000-initial-schema';
import { MembersCoverageReshapingHealth1764100000000 } from './1764100000000-members-coverage-reshaping-health';
import { GridRetiredReasonDistrictDates1764200000000 } from './1764200000000-grid-retired-reason-district-dates';

/** In order. Never edit one that has shipped: add the next. */
export const migrations = [
  InitialSchema1764000000000,
  MembersCoverageReshapingHealth1764100000000,
  GridRetiredReasonDistrictDates1764200000000,
];
