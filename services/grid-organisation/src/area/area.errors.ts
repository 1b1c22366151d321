import { badInput, conflict, forbidden, notFound } from '@civgrid/errors';

export const AreaErrors = {
  notFound: (key: string) => notFound('AREA_NOT_FOUND', `No administrative area ${key}.`),
  parentNotFound: (id: string) => notFound('AREA_PARENT_NOT_FOUND', `The parent area ${id} does not exist.`),
  villageHasNoChildren: () => badInput('AREA_LEVEL_INVALID', 'A village or community is the lowest level: it has grids, not sub-areas.'),
  districtForAdminsOnly: () =>
    forbidden('AREA_DISTRICT_ADMIN_ONLY', 'Only the administrator creates a district (an area without a parent).'),
  districtOnlyAtTop: () => badInput('AREA_LEVEL_INVALID', 'An area without a parent must be a district.'),
  codeMismatch: (code: string, rule: string) => badInput('AREA_CODE_INVALID', `Statistical code ${code} does not fit: ${rule}.`),
  codeTaken: (code: string) => conflict('AREA_CODE_TAKEN', `An area with code ${code} already exists.`),
};
