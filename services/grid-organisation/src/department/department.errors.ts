import { badInput, conflict, forbidden, notFound } from '@civgrid/errors';

export const DepartmentErrors = {
  notFound: (id: string) => notFound('DEPARTMENT_NOT_FOUND', `No department ${id}.`),
  areaNotFound: (id: string) => notFound('AREA_NOT_FOUND', `No administrative area ${id}.`),
  levelMismatch: (level: string, areaLevel: string) =>
    badInput(
      'DEPARTMENT_LEVEL_INVALID',
      `A ${level.toLowerCase()}-level department belongs to a ${level.toLowerCase()}, not to a ${areaLevel.toLowerCase()}.`,
    ),
  districtLevelForbidden: () =>
    forbidden('DEPARTMENT_DISTRICT_LEVEL', 'District departments are created by district officers or the administrator.'),
  codeTaken: (code: string) => conflict('DEPARTMENT_CODE_TAKEN', `A department with code ${code} already exists.`),
  nameTaken: (name: string) => conflict('DEPARTMENT_NAME_TAKEN', `This area already has a department named ${name}.`),
};
