import { LedgerFormatError, readLedger } from './ledger-rows';
import { checkDigitOf } from '../resident/national-id';

const today = new Date('2026-11-24T00:00:00Z');
const id = (first17: string) => first17 + checkDigitOf(first17);
const HEADER = 'household_number,registration_type,address,house_number,building,road,name,national_id,phone,relation';

describe('ledger rows', () => {
  it('accepts good rows, lower-case x and Chinese headings, and says why each bad row is refused', () => {
    const good = id('37091119900101123');
    const x = '11010519491231002x';
    const csv = [
      HEADER,
      `H1,户籍,新庄村12号,12,,,王一,${good},13812345678,户主`,
      `H1,PERMANENT,新庄村12号,12,,,王二,${x},,配偶`,
      `H2,流动,新庄村13号,13,,,李三,${good.slice(0, 17)}0,,户主`,
      `H3,UNKNOWN,新庄村14号,14,,,李四,${id('37091119900101125')},,户主`,
      `H4,户籍,新庄村15号,15,,,李五,${id('37091119900101127')},12345,户主`,
      `H5,户籍,新庄村16号,16,,`,
    ].join('\n');
    const { rows, rejected } = readLedger(csv, today);
    expect(rows.map((r) => [r.line, r.nationalId, r.sex])).toEqual([
      [2, good, 'MALE'],
      [3, '11010519491231002X', 'FEMALE'],
    ]);
    expect(rejected.map((r) => r.line)).toEqual([4, 5, 6, 7]);
    expect(rejected[0].reason).toMatch(/check digit/);
    expect(rejected[1].reason).toMatch(/registration_type/);
    expect(rejected[2].reason).toMatch(/phone/);
    expect(rejected[3].reason).toMatch(/fields/);
    expect(JSON.stringify(rejected)).not.toContain(good.slice(0, 10));

    const chinese = readLedger(`户号,户籍类型,地址,姓名,身份证号,与户主关系\nH9,常住,东湖社区3号楼,赵六,${good},户主`, today);
    expect(chinese.rows[0]).toMatchObject({ householdNumber: 'H9', registrationType: 'RESIDENT_NOT_REGISTERED', building: null });
  });

  it('refuses a file without the needed columns or with broken quoting', () => {
    expect(() => readLedger('name,phone\n王,1', today)).toThrow(LedgerFormatError);
    expect(() => readLedger(`${HEADER}\n"H1,户籍`, today)).toThrow(/not valid CSV/);
  });
});
