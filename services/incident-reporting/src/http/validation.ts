// What PostgreSQL's uuid type takes in its canonical form: checked before a query, so a malformed id
// is the client's 400, not the database's 22P02.
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const isUuid = (value: string): boolean => UUID.test(value);

// NUL cannot be stored in PostgreSQL text; other C0 controls (but tab, line feed, carriage return) are never meant.
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

export const hasControlCharacters = (value: string): boolean => CONTROL.test(value);
