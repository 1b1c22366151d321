import { createLogger } from './logger';
import { fromPostgres } from './errors';

const capture = () => {
  const lines: string[] = [];
  return { lines, stream: { write: (line: string) => void lines.push(line) } };
};

describe('logs', () => {
  it('never carry a national ID, a phone, an address or the values PostgreSQL quotes back', () => {
    const { lines, stream } = capture();
    const logger = createLogger('population-registry', 'info', stream);
    // What a failed INSERT looks like when TypeORM wraps pg's error.
    const err = Object.assign(new Error('duplicate key value violates unique constraint "uq_resident_name"'), {
      parameters: ['王秀英', '370911194203030012'],
      detail: 'Key (name)=(王秀英) already exists.',
      driverError: { detail: 'Key (name)=(王秀英) already exists.', parameters: ['13812345678'] },
    });
    logger.error({ err, input: { nationalId: '370911194203030012', phone: '13812345678', addressText: '东湖社区1号楼101' } }, 'failed');
    const text = lines.join('');
    expect(text).toContain('duplicate key value');
    for (const secret of ['王秀英', '370911194203030012', '13812345678', '东湖社区']) expect(text).not.toContain(secret);
  });
});

describe('PostgreSQL refusals', () => {
  it('turn a path ltree refuses into BAD_USER_INPUT, but leave a syntax error in our own SQL ours', () => {
    expect(fromPostgres({ code: '42601', message: 'ltree syntax error at character 3' })?.code).toBe('BAD_USER_INPUT');
    expect(fromPostgres({ code: '42622', message: 'label string is too long' })?.code).toBe('BAD_USER_INPUT');
    expect(fromPostgres({ code: '42601', message: 'syntax error at or near "SELEC"' })).toBeUndefined();
  });
});
