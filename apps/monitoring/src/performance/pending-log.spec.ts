import { PendingLog } from './pending-log';

interface Entry {
  model: string;
  version: number;
  positive: number;
  at: number;
}

// The behaviour PendingLog replaces: an insertion-ordered Map of one object per key.
class MapModel {
  readonly m = new Map<string, Entry>();
  put(key: string, e: Entry): void {
    this.m.delete(key);
    this.m.set(key, e);
  }
  take(key: string): Entry | null {
    const e = this.m.get(key) ?? null;
    this.m.delete(key);
    return e;
  }
  oldestAt(): number | null {
    const first = this.m.values().next();
    return first.done ? null : first.value.at;
  }
  dropOldest(): void {
    const first = this.m.keys().next();
    if (!first.done) this.m.delete(first.value);
  }
}

function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('PendingLog', () => {
  it('should behave as an insertion-ordered map when keys are put, moved, taken and dropped at random', () => {
    const next = random(7);
    const log = new PendingLog();
    const model = new MapModel();
    // Keys of several lengths and non-ASCII ones; 40 model versions so that unused ones are forgotten.
    const keyOf = (i: number) => (i % 3 === 0 ? `r\u0000req-${i}\u00000` : i % 3 === 1 ? `e\u0000cust-é${i}` : `k${i}`);
    let at = 0;
    let live = 0;
    // Plain comparisons in the loop (30,000 expect calls would take seconds); the first differences listed.
    const differences: string[] = [];
    const same = (step: number, what: string, a: unknown, b: unknown) => {
      if (differences.length < 5 && JSON.stringify(a) !== JSON.stringify(b))
        differences.push(`step ${step} ${what}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
    };
    for (let step = 0; step < 30_000; step++) {
      const op = next();
      // Grow to a few thousand entries, shrink to a few, grow again: compactions in both directions.
      const phase = Math.floor(step / 7_500) % 2;
      const key = keyOf(Math.floor(next() * (phase === 0 ? 8000 : 300)));
      if (op < 0.55) {
        const e = {
          model: `m${step % 40 < 20 ? 0 : Math.floor(step / 1500)}`,
          version: step % 5,
          positive: next(),
          at: at++,
        };
        log.put(key, e.model, e.version, e.positive, e.at);
        model.put(key, e);
      } else if (op < 0.8) {
        same(step, `take ${key}`, log.take(key), model.take(key));
      } else if (op < 0.95 - phase * 0.3) {
        same(step, 'oldestAt', log.oldestAt(), model.oldestAt());
        log.dropOldest();
        model.dropOldest();
      } else {
        same(step, 'oldestAt', log.oldestAt(), model.oldestAt());
      }
      same(step, 'size', log.size, model.m.size);
      live = Math.max(live, log.size);
    }
    expect(differences).toEqual([]);
    expect(live).toBeGreaterThan(2000);
    for (const [key, e] of [...model.m]) expect(log.take(key)).toEqual(e);
    expect(log.size).toBe(0);
    expect(log.oldestAt()).toBeNull();
  });

  it('should tell apart keys whose hashes collide in the index when only their characters differ', () => {
    const log = new PendingLog();
    for (let i = 0; i < 5000; i++) log.put(`k${i}`, 'm', 1, i / 5000, i);
    expect(log.take('k4999')).toEqual({ model: 'm', version: 1, positive: 4999 / 5000, at: 4999 });
    expect(log.take('k4999')).toBeNull();
    expect(log.take('k500')).toMatchObject({ at: 500 });
    expect(log.take('k50')).toMatchObject({ at: 50 });
    expect(log.take('k')).toBeNull();
    expect(log.size).toBe(4997);
  });
});
