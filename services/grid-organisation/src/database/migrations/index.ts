import { InitialSchema1764000000000 } from './1764000000000-initial-schema';
import { MembersCoverageReshapingHealth1764100000000 } from './1764100000000-members-coverage-reshaping-health';

/** In order. Never edit one that has shipped: add the next. */
export const migrations = [InitialSchema1764000000000, MembersCoverageReshapingHealth1764100000000];
