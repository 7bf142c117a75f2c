import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from './atomic-file';
import { ProducerState } from './producer-state';
import { segmentName } from './segment';

// Idempotent-producer state saved beside the segments as `<offset>.snapshot`: the state after every
// batch below `offset`. Written when a segment rolls and on shutdown; a restart loads the newest
// usable one and replays only the batches after it, as Kafka does.
const SUFFIX = '.snapshot';
const KEEP = 2;

function snapshotOffsets(dir: string): number[] {
  return fs
    .readdirSync(dir)
    .filter((f) => /^\d{20}\.snapshot$/.test(f))
    .map((f) => Number(f.slice(0, 20)))
    .sort((a, b) => a - b);
}

function fileFor(dir: string, offset: number): string {
  return path.join(dir, `${segmentName(offset)}${SUFFIX}`);
}

export function writeSnapshot(dir: string, offset: number, state: ProducerState): void {
  writeFileAtomic(fileFor(dir, offset), JSON.stringify({ version: 1, offset, producers: state.toJSON() }));
  const all = snapshotOffsets(dir);
  for (const old of all.slice(0, Math.max(0, all.length - KEEP))) fs.rmSync(fileFor(dir, old), { force: true });
}

// The newest snapshot at or below `maxOffset` that parses; newer ones (beyond a truncated log) are
// removed. Returns null when there is none: the caller rebuilds the state from the whole log.
export function loadSnapshot(dir: string, maxOffset: number): { offset: number; state: ProducerState } | null {
  for (const offset of snapshotOffsets(dir).reverse()) {
    const file = fileFor(dir, offset);
    if (offset > maxOffset) {
      fs.rmSync(file, { force: true });
      continue;
    }
    try {
      const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as { offset: number; producers: unknown };
      if (parsed.offset !== offset) throw new Error('offset mismatch');
      return { offset, state: ProducerState.fromJSON(parsed.producers) };
    } catch {
      fs.rmSync(file, { force: true }); // unreadable: an older snapshot or a full replay replaces it
    }
  }
  return null;
}

export function removeSnapshotsBelow(dir: string, offset: number): void {
  const all = snapshotOffsets(dir);
  // Keep the newest one even if it is below: it still describes producers above the start.
  for (const old of all.slice(0, -1)) if (old < offset) fs.rmSync(fileFor(dir, old), { force: true });
}
