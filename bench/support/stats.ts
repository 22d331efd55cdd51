// Percentiles of latency samples, the way every bench here reports them.

/** p50/p99 of a set of samples (ms), and how many there were. */
export interface Latencies {
  readonly p50: number;
  readonly p99: number;
  readonly count: number;
}

/** The `q` quantile (0..1) of already sorted values, nearest-rank; NaN when there are none. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? Number.NaN;
}

export function latencies(samples: readonly number[]): Latencies {
  const sorted = [...samples].sort((a, b) => a - b);
  return { p50: quantile(sorted, 0.5), p99: quantile(sorted, 0.99), count: sorted.length };
}

/** A figure for the results table: ms with two decimals. */
export const ms = (value: number): number => Number(value.toFixed(2));
