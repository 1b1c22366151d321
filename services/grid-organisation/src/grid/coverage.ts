import { CoverageItemKind } from '@civgrid/contracts';

export interface CoverageItem {
  kind: CoverageItemKind;
  name: string;
  /** `BUILDING:3号楼`: how a village's items are told apart and referred to when reshaping. */
  key: string;
}

const normalise = (name: string): string => name.normalize('NFKC').trim().replace(/\s+/g, ' ');

export const coverageKey = (kind: CoverageItemKind, name: string): string => `${kind}:${normalise(name)}`;

export const coverageItem = (kind: CoverageItemKind, name: string): CoverageItem => ({
  kind,
  name: normalise(name),
  key: coverageKey(kind, name),
});

/** Keys listed twice in one grid's coverage (after normalising), for a clear refusal. */
export function duplicateKeys(items: readonly CoverageItem[]): string[] {
  const seen = new Set<string>();
  const twice = new Set<string>();
  for (const i of items) (seen.has(i.key) ? twice : seen).add(i.key);
  return [...twice];
}
