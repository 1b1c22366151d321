/** Percentile of a sorted copy; p in [0, 100]. */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index];
}

export const median = (values: number[]): number => percentile(values, 50);

export const ms = (n: number): string => `${n.toFixed(1)} ms`;

/** Runs `n` requests with `concurrency` in flight; returns each one's latency in ms. */
export async function latencies(n: number, concurrency: number, request: () => Promise<void>): Promise<number[]> {
  const out: number[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < n) {
      next++;
      const t0 = performance.now();
      await request();
      out.push(performance.now() - t0);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return out;
}

export interface Side {
  latencies: number[];
  /** Wall time of this side's turns together. */
  seconds: number;
}

/**
 * Two candidates measured in turns, A B A B … (`rounds` turns each, `n` requests split among them),
 * so neither gets the quieter part of a run on a shared machine.
 */
export async function alternate(
  rounds: number,
  n: number,
  concurrency: number,
  a: () => Promise<void>,
  b: () => Promise<void>,
): Promise<{ a: Side; b: Side }> {
  const sides = { a: { latencies: [] as number[], seconds: 0 }, b: { latencies: [] as number[], seconds: 0 } };
  const perTurn = Math.ceil(n / rounds);
  for (let round = 0; round < rounds; round++) {
    for (const [side, request] of [
      [sides.a, a],
      [sides.b, b],
    ] as const) {
      const t0 = performance.now();
      side.latencies.push(...(await latencies(perTurn, concurrency, request)));
      side.seconds += (performance.now() - t0) / 1000;
    }
  }
  return sides;
}

/** "p50 x ms, p99 y ms" of a side. */
export const p50p99 = (side: Side): string => `p50 ${ms(percentile(side.latencies, 50))}, p99 ${ms(percentile(side.latencies, 99))}`;

/** How many times slower A is than B at the median. */
export const ratioP50 = (a: Side, b: Side): string => (percentile(a.latencies, 50) / percentile(b.latencies, 50)).toFixed(2);
