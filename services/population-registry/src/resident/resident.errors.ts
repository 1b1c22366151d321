import { badInput, conflict, forbidden, notFound } from '@civgrid/errors';
import { NationalIdProblem } from './national-id';

const ID_PROBLEMS: Record<NationalIdProblem, string> = {
  FORMAT: 'must be 17 digits and a check digit or X',
  CHECK_DIGIT: 'has a wrong check digit (GB 11643): a digit is mistyped or two are swapped',
  BIRTH_DATE: 'holds a birth date that does not exist or lies in the future',
};

// Messages never repeat the ID number or phone: errors end up in logs and screenshots.
export const ResidentErrors = {
  notFound: (id: string) => notFound('RESIDENT_NOT_FOUND', `No resident ${id}.`),
  nationalIdInvalid: (problem: NationalIdProblem) => badInput(`NATIONAL_ID_${problem}`, `The national ID number ${ID_PROBLEMS[problem]}.`),
  phoneInvalid: () => badInput('PHONE_INVALID', 'The phone must be a mainland mobile number or a landline with its area code.'),
  alreadyRegistered: () =>
    conflict(
      'RESIDENT_ALREADY_REGISTERED',
      'A resident with this national ID number is already registered (someone who moved out and came back: record their return with recordResidentReturned).',
    ),
  idTaken: () => conflict('RESIDENT_ID_TAKEN', 'That resident id belongs to another resident.'),
  deceased: (id: string) => conflict('RESIDENT_DECEASED', `Resident ${id} is recorded as deceased and cannot return.`),
  returnNeedsResident: () =>
    badInput('RESIDENT_REQUIRED', 'Name the resident who returns: their residentId, or their nationalId from their ID card.'),
  notMovedOut: (id: string) =>
    conflict('RESIDENT_NOT_MOVED_OUT', `Resident ${id} has not moved out: only a resident who moved out can return.`),
  notActive: (id: string) => conflict('RESIDENT_NOT_ACTIVE', `Resident ${id} has moved out or died.`),
  sameHousehold: () => conflict('RESIDENT_ALREADY_IN_HOUSEHOLD', 'The resident already belongs to that household.'),
  tagsForbidden: () =>
    forbidden('TAGS_NOT_PERMITTED', 'Key-population tags are readable only by grid members, community officers and admins.'),
  tagNotFound: (id: string) => notFound('TAG_NOT_FOUND', `No tag ${id}.`),
  tagAlreadyEnded: () => conflict('TAG_ALREADY_ENDED', 'The tag has already ended.'),
  tagEndsBeforeStart: () => badInput('TAG_ENDS_BEFORE_START', 'A tag cannot end before it starts.'),
  ageRangeInvalid: () => badInput('AGE_RANGE_INVALID', 'minAge must not exceed maxAge.'),
};
