import { ACCESS_TABLE, ActionSpec, FieldSpec, ResourceSpec } from './access-table';
import { ALL_ROLES } from './roles';

const SHORT: Record<string, string> = {
  GRID_MEMBER: 'grid member',
  COMMUNITY_OFFICER: 'community',
  TOWN_OFFICER: 'town',
  DISTRICT_OFFICER: 'district',
  DEPARTMENT_OFFICER: 'department',
  MEDIATOR: 'mediator',
  ANALYST: 'analyst',
  ADMIN: 'admin',
};

const cell = (value: string | readonly string[] | undefined): string =>
  value === undefined ? '—' : typeof value === 'string' ? value : value.join(' + ');

const row = (cells: string[]): string => `| ${cells.join(' | ')} |`;

function section(name: string, spec: ResourceSpec): string[] {
  const lines = [
    `## ${spec.title}`,
    '',
    `\`${name}\` in ${spec.service}; a row's place is ${spec.place}.`,
    '',
    row(['', ...ALL_ROLES.map((r) => SHORT[r])]),
    row(['---', ...ALL_ROLES.map(() => '---')]),
  ];
  const notes: string[] = [];
  for (const [action, a] of Object.entries<ActionSpec>(spec.actions)) {
    lines.push(row([`${a.what} (\`${action}\`)`, ...ALL_ROLES.map((r) => cell(a.roles[r]))]));
    if (a.above) notes.push(`- \`${action}\`: the areas above yours count as yours (the breadcrumb).`);
    if (a.also) notes.push(`- \`${action}\`: also ${a.also}.`);
  }
  for (const [group, f] of Object.entries<FieldSpec>(spec.fields ?? {})) {
    lines.push(row([`field: ${f.what} (\`${group}\`)`, ...ALL_ROLES.map((r) => f.levels[r] ?? 'hidden')]));
    notes.push(`- \`${group}\`: ${f.fields.map((x) => `\`${x}\``).join(', ')}${f.also ? `; ${f.also}` : ''}.`);
  }
  return notes.length > 0 ? [...lines, '', ...notes, ''] : [...lines, ''];
}

/** docs/access.md, printed from the table (the access tests read the same table). */
export function renderAccessDoc(): string {
  const lines = [
    '# Who may see and do what',
    '',
    '<!-- Printed by `npm run access-doc` from libs/auth/src/access-table.ts; do not edit by hand. -->',
    '',
    'Every query, mutation, entity reference and field that returns scoped or personal data names one',
    'rule of this table (`@Access(RULES.<resource>.<action>)` or `@AccessField(FIELDS.<resource>.<group>)`),',
    'and services filter rows with the same rule (`reachCondition`, `canReach`). A handler without a',
    'rule is refused, and a test walks every subgraph and fails on one. The authorization matrix test',
    'is generated from this table.',
    '',
    'Reach of an action: `all` every row; `areas` rows under the areas of the token; `grids` rows of the',
    'grids of the token (under its areas); `department` rows that concern the department of the token;',
    "`own` the caller's own record; `—` nothing (refused with FORBIDDEN, or a row out of reach is",
    'NOT_FOUND). Several roles reach the union. A token with no role reaches nothing.',
    '',
    'Level of a field: `plain` the value; `purpose` masked unless the caller states why (then audited);',
    '`masked` always masked; `hidden` null.',
    '',
    'Claims are checked when a token is verified (gateway and every subgraph): roles only from the',
    'list above, areas well-formed paths under `AUTH_DISTRICT_ROOT`, grids and department as ids.',
    'A token that breaks one is refused whole (UNAUTHENTICATED, reason TOKEN_CLAIMS_INVALID).',
    '',
  ];
  for (const [name, spec] of Object.entries<ResourceSpec>(ACCESS_TABLE)) lines.push(...section(name, spec));
  return `${lines.join('\n').trimEnd()}\n`;
}
