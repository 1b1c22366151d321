import { PendingMarks } from './relay';

/** A stand-in for the UPDATE: records each call and finishes when the test says so. */
function recordingMark() {
  const calls: string[][] = [];
  const finish: ((error?: Error) => void)[] = [];
  const mark = (seqs: string[]): Promise<void> =>
    new Promise((resolve, reject) => {
      calls.push(seqs);
      finish.push((error) => (error ? reject(error) : resolve()));
    });
  return { calls, finish, mark };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('PendingMarks (the relay marks acknowledged rows beside its sends)', () => {
  it('runs one mark at a time and gives the next one every row acknowledged meanwhile', async () => {
    const { calls, finish, mark } = recordingMark();
    const marks = new PendingMarks(mark, 100);
    await marks.add(['1', '2']);
    await marks.add(['3']);
    await marks.add(['4', '5']);
    await tick();
    expect(calls).toEqual([['1', '2']]);
    finish[0]();
    await tick();
    expect(calls).toEqual([
      ['1', '2'],
      ['3', '4', '5'],
    ]);
    const flushed = marks.flush();
    finish[1]();
    await flushed;
    expect(calls.flat()).toEqual(['1', '2', '3', '4', '5']);
  });

  it('holds the sender back only while more rows than its limit wait for their mark', async () => {
    const { finish, mark } = recordingMark();
    const marks = new PendingMarks(mark, 3);
    await marks.add(['1', '2']); // marking
    await marks.add(['3', '4', '5']); // waiting: 3, not more than the limit
    let returned = false;
    const over = marks.add(['6']).then(() => (returned = true));
    await tick();
    expect(returned).toBe(false);
    finish[0](); // the mark of 1, 2 is done; 3–6 are taken by the next one
    await over;
    expect(returned).toBe(true);
    finish[1]();
    await marks.flush();
  });

  it('stops after a failed mark: flush and the next add throw, and nothing more is marked', async () => {
    const { calls, finish, mark } = recordingMark();
    const marks = new PendingMarks(mark, 100);
    await marks.add(['1']);
    await marks.add(['2']);
    finish[0](new Error('connection terminated'));
    await expect(marks.flush()).rejects.toThrow('connection terminated');
    await expect(marks.add(['3'])).rejects.toThrow('connection terminated');
    expect(calls).toEqual([['1']]);
  });
});
