// GB 11643 check digit, for tests and fixtures that make valid national IDs (the services' own
// validator is population-registry's src/resident/national-id.ts).
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

/** The 18th character of a national ID whose first 17 digits are given. */
export const checkDigit = (first17: string): string => '10X98765432'[[...first17].reduce((s, d, i) => s + Number(d) * WEIGHTS[i], 0) % 11];
