// Rolling-window snapshots: which rows a snapshot holds when the dataset's policy limits it to the latest
// N records and/or to the records whose event time is within T seconds of the newest one. Pure.
import type { CellValue } from './schema';

export interface WindowPolicy {
  /** Keep only the latest this many records, in arrival order (0: no count limit). */
  records: number;
  /** Keep only records whose event time is within this many seconds of the newest (0: no time limit). */
  seconds: number;
  /** Index of the event-time column (epoch ms) in a row; required when `seconds` > 0. */
  eventTimeIndex: number;
}

export const isWindowed = (p: { records: number; seconds: number }): boolean => p.records > 0 || p.seconds > 0;

/** The newest event time of the rows (epoch ms), or null when none has one. */
export function newestEventTime(rows: readonly CellValue[][], eventTimeIndex: number): number | null {
  let newest: number | null = null;
  for (const r of rows) {
    const t = r[eventTimeIndex];
    if (typeof t === 'number' && (newest === null || t > newest)) newest = t;
  }
  return newest;
}

/**
 * The window of `rows` (oldest first, as they arrived): with a time limit, rows without an event time or
 * older than `newest - seconds` are left out; with a count limit, only the last `records` remain.
 */
export function windowRows(rows: readonly CellValue[][], p: WindowPolicy, newest?: number | null): CellValue[][] {
  let kept = [...rows];
  if (p.seconds > 0) {
    const top = newest === undefined ? newestEventTime(rows, p.eventTimeIndex) : newest;
    const cutoff = top === null ? Infinity : top - p.seconds * 1000;
    kept = kept.filter((r) => {
      const t = r[p.eventTimeIndex];
      return typeof t === 'number' && t >= cutoff;
    });
  }
  if (p.records > 0 && kept.length > p.records) kept = kept.slice(kept.length - p.records);
  return kept;
}
