import { badInput, DomainError } from '@civgrid/errors';

export const LedgerErrors = {
  format: (reason: string, message: string) => badInput(reason, message),
  tooLarge: (max: number) =>
    new DomainError('BAD_USER_INPUT', 'LEDGER_TOO_LARGE', `A ledger may be at most ${max} bytes: split the file by village.`, {
      maxBytes: max,
    }),
  notCsv: () => badInput('LEDGER_NOT_CSV', 'Send the ledger as the request body with Content-Type: text/csv.'),
  gridIdInvalid: () => badInput('GRID_ID_INVALID', 'Name the grid the ledger belongs to: ?gridId=<uuid>.'),
};
