import { AreaLevel } from '@civgrid/contracts';

/**
 * China's 12-digit statistical division codes: 6 digits for the district, 3 for the town or street,
 * 3 for the village or community. Returns what is wrong, or null when the code fits.
 */
export function areaCodeProblem(code: string, level: AreaLevel, parentCode: string | null): string | null {
  if (!/^[0-9]{12}$/.test(code)) return 'it must be 12 digits';
  const town = code.slice(6, 9);
  const village = code.slice(9, 12);
  switch (level) {
    case 'DISTRICT':
      return town === '000' && village === '000' ? null : 'a district code ends in 000000';
    case 'TOWN':
      if (!parentCode || code.slice(0, 6) !== parentCode.slice(0, 6))
        return `a town or street code starts with its district's ${parentCode?.slice(0, 6)}`;
      if (town === '000') return 'digits 7–9 of a town or street code are not 000';
      return village === '000' ? null : 'a town or street code ends in 000';
    case 'VILLAGE':
      if (!parentCode || code.slice(0, 9) !== parentCode.slice(0, 9))
        return `a village or community code starts with its town's ${parentCode?.slice(0, 9)}`;
      return village === '000' ? 'the last 3 digits of a village or community code are not 000' : null;
  }
}

/** The level below a parent's level, or null when nothing may be created below it. */
export function childLevel(parent: AreaLevel | null): AreaLevel | null {
  switch (parent) {
    case null:
      return 'DISTRICT';
    case 'DISTRICT':
      return 'TOWN';
    case 'TOWN':
      return 'VILLAGE';
    case 'VILLAGE':
      return null;
  }
}
