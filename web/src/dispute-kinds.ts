import type { DisputeKind } from './gql/graphql';

/** The kinds of dispute, in the order the forms offer them (names in the message files, `disputeKind.*`). */
export const DISPUTE_KINDS: DisputeKind[] = [
  'NEIGHBOURHOOD',
  'PROPERTY_MANAGEMENT',
  'FAMILY',
  'HOUSING_SALES',
  'LAND_REQUISITION',
  'LABOUR',
  'CONTRACT',
  'OTHER',
];
