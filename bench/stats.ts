/** Propagation latencies from the writers' send logs and the receivers' arrival logs; percentiles; tables. */
import type { SendLog } from "./protocol";

export interface Latencies {
  /** One value (ms) per delivered (edit, receiver) pair, sorted ascending. */
  sorted: Float64Array;
  /** now() of the last arrival that carried a logged edit. */
  lastArrival: number;
}

/**
 * arrivals: flat (room, clientID, fromClock, toClock, receivedAt); an arrival delivers every logged edit of that
 * writer whose first clock is in [fromClock, toClock).
 */
export function matchLatencies(sendLogs: SendLog[], arrivals: Float64Array[]): Latencies {
  const logs = new Map<string, SendLog>();
  for (const log of sendLogs) logs.set(`${log.room}:${log.clientID}`, log);
  let count = 0;
  for (const a of arrivals) count += a.length / 5;
  let values = new Float64Array(Math.max(16, count * 2));
  let n = 0;
  let lastArrival = -Infinity;
  for (const a of arrivals) {
    for (let i = 0; i < a.length; i += 5) {
      const log = logs.get(`${a[i]}:${a[i + 1]}`);
      if (!log) continue;
      const from = a[i + 2]!;
      const to = a[i + 3]!;
      const at = a[i + 4]!;
      let k = lowerBound(log.clocks, from);
      for (; k < log.clocks.length && log.clocks[k]! < to; k++) {
        if (n === values.length) {
          const bigger = new Float64Array(values.length * 2);
          bigger.set(values);
          values = bigger;
        }
        values[n++] = at - log.times[k]!;
        if (at > lastArrival) lastArrival = at;
      }
    }
  }
  const sorted = values.slice(0, n).sort();
  return { sorted, lastArrival };
}

function lowerBound(values: Float64Array, x: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (values[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Nearest-rank percentile of sorted values (p in 0..100); NaN when empty. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export function sortedOf(values: ArrayLike<number>): Float64Array {
  return Float64Array.from(values).filter((v) => !Number.isNaN(v)).sort();
}

export function fmt(value: number, digits = 2): string {
  if (value === undefined || Number.isNaN(value)) return "—";
  if (!Number.isFinite(value)) return String(value);
  return value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** A plain-text table: first column left-aligned, the rest right-aligned. */
export function table(header: string[], rows: string[][]): string {
  const all = [header, ...rows];
  const widths = header.map((_, c) => Math.max(...all.map((r) => (r[c] ?? "").length)));
  const line = (r: string[]) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join("  ");
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}
