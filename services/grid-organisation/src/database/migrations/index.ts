import { InitialSchema1764000000000 } from './1764000000000-initial-schema';

/** In order. Never edit one that has shipped: add the next. */
export const migrations = [InitialSchema1764000000000];
