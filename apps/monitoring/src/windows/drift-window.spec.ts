import { ReferenceProfile, compareColumns } from '@keel/ml';
import { DriftWindow, type WindowShape } from './drift-window';
import { evaluateWindow, predictionBaseline } from './drift-evaluation';
import { decodePredictions, type LoggedTensor } from './prediction-rows';

function lcg(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x / 2 ** 32;
  };
}

const rnd = lcg(7);
const ref = {
  age: Array.from({ length: 2000 }, () => 30 + 10 * rnd()),
  city: Array.from({ length: 2000 }, (_, i) => ['a', 'b', 'c'][i % 3]!),
};
const profile = ReferenceProfile.fromColumns(ref);
const settings = { features: {}, driftShare: 0.5, predictionDrift: true };

function request(age: number[], city: string[], positive: number[]): ReturnType<typeof decodePredictions> {
  const inputs: LoggedTensor[] = [
    { name: 'age', shape: [age.length, 1], data: age },
    { name: 'city', shape: [city.length, 1], data: city },
  ];
  const proba = positive.flatMap((p) => [1 - p, p]);
  return decodePredictions(inputs, [{ name: 'probabilities', shape: [positive.length, 2], data: proba }]);
}

const tumbling: WindowShape = { windowSize: 100, windowSeconds: 0, sliding: false, slidePanes: 4 };

describe('DriftWindow', () => {
  it('should close a count window after exactly windowSize rows with statistics equal to the batch computation', () => {
    const w = new DriftWindow({ profile, features: ['age', 'city'], shape: tumbling });
    const age = Array.from({ length: 100 }, () => 40 + 10 * rnd());
    const city = Array.from({ length: 100 }, (_, i) => (i % 2 ? 'a' : 'c'));
    const closed = [
      ...w.add(request(age.slice(0, 60), city.slice(0, 60), new Array(60).fill(0.2)), 1000),
      ...w.add(request(age.slice(60, 99), city.slice(60, 99), new Array(39).fill(0.2)), 2000),
    ];
    expect(closed).toEqual([]);
    const last = w.add(request(age.slice(99), city.slice(99), [0.2]), 3000);
    expect(last).toHaveLength(1);
    expect(last[0]).toMatchObject({ seq: 1, rows: 100, from: 1000, to: 3000 });
    const evaluation = evaluateWindow(profile, last[0]!, settings, null);
    const batch = compareColumns(profile, profile.windowFromColumns({ age, city }));
    expect(evaluation.features).toEqual(batch.columns);
    expect(evaluation.driftedFeatures).toEqual(['age', 'city']);
    expect(evaluation.prediction).toBeNull();
    expect(w.pendingRows).toBe(0);
  });

  it('should slide over the last P panes, so each pane close after the first full window yields a window', () => {
    const w = new DriftWindow({
      profile,
      features: ['age', 'city'],
      shape: { windowSize: 40, windowSeconds: 0, sliding: true, slidePanes: 4 },
    });
    const ages = Array.from({ length: 60 }, (_, i) => i);
    const closed = w.add(
      request(
        ages,
        ages.map(() => 'b'),
        ages.map(() => 0.5),
      ),
      5,
    );
    // Panes of 10 rows: the first window closes at row 40, then one per further pane (rows 50 and 60).
    expect(closed.map((c) => c.rows)).toEqual([40, 40, 40]);
    const third = closed[2]!.features.get('age')!;
    expect(Array.from(third.sortedValues())).toEqual(ages.slice(20, 60));
  });

  it('should close time windows on tick even when no rows arrive, and skip empty windows', () => {
    const w = new DriftWindow({
      profile,
      features: ['age', 'city'],
      shape: { windowSize: 0, windowSeconds: 10, sliding: false, slidePanes: 4 },
    });
    expect(w.add(request([35], ['a'], [0.1]), 10_500, 10_500)).toEqual([]);
    expect(w.tick(19_999)).toEqual([]);
    const closed = w.tick(20_000);
    expect(closed).toHaveLength(1);
    expect(closed[0]).toMatchObject({ rows: 1, from: 10_000, to: 20_000 });
    expect(w.tick(100_000)).toEqual([]);
  });

  it('should compare predictions with the baseline taken from the first window', () => {
    const w = new DriftWindow({ profile, features: ['age'], shape: tumbling });
    const first = w.add(
      request(
        ref.age.slice(0, 100),
        ref.city.slice(0, 100),
        ref.age.slice(0, 100).map(() => rnd() * 0.3),
      ),
      1,
    )[0]!;
    const none = evaluateWindow(profile, first, settings, null);
    expect(none.predictionNote).toMatch(/baseline/);
    const baseline = predictionBaseline(first.prediction!, profile.bins);
    w.setPredictionBaseline(baseline);
    const second = w.add(
      request(
        ref.age.slice(100, 200),
        ref.city.slice(100, 200),
        ref.age.slice(0, 100).map(() => 0.6 + rnd() * 0.3),
      ),
      2,
    )[0]!;
    const evaluation = evaluateWindow(profile, second, settings, baseline);
    expect(evaluation.prediction).toMatchObject({ test: 'ks', drift: true });
    expect(evaluation.driftedFeatures).toEqual([]);
  });

  it('should take each feature from its tensor by name when requests change their layout, repeat a name or lack a feature', () => {
    const shape = { windowSize: 6, windowSeconds: 0, sliding: false, slidePanes: 4 };
    const w = new DriftWindow({ profile, features: ['age', 'city'], shape });
    const t = (name: string, data: (number | string)[]) => ({ name, shape: [1, 1], data });
    const requests: LoggedTensor[][] = [
      [t('age', [31]), t('city', ['a'])],
      [t('age', [32]), t('city', ['b'])], // the same layout again: read in place
      [t('city', ['c']), t('age', [33])], // swapped
      [t('age', [1]), t('age', [34]), t('city', ['a'])], // a repeated name: the last one counts
      [t('city', ['b']), t('other', [0])], // no age: missing
      [t('age', [36]), t('city', ['c'])],
    ];
    const closed = requests.flatMap((inputs, i) => w.add(decodePredictions(inputs, []), i));
    expect(closed).toHaveLength(1);
    const age = closed[0]!.features.get('age')!;
    expect(Array.from(age.sortedValues())).toEqual([31, 32, 33, 34, 36]);
    expect(age.missing).toBe(1);
    expect(Object.fromEntries(closed[0]!.features.get('city')!.categories)).toEqual({ a: 2, b: 2, c: 2 });
  });

  it('should refuse a sliding count window that does not split into its panes', () => {
    expect(
      () =>
        new DriftWindow({
          profile,
          features: ['age'],
          shape: { windowSize: 10, windowSeconds: 0, sliding: true, slidePanes: 4 },
        }),
    ).toThrow(/multiple of the 4 panes/);
  });
});

describe('decodePredictions', () => {
  it('should reject tensors whose data does not match their shape, naming the field', () => {
    expect(() => decodePredictions([{ name: 'a', shape: [2, 1], data: [1] }], [])).toThrow(
      expect.objectContaining({ field: 'inputs.0' }),
    );
    expect(() =>
      decodePredictions(
        [{ name: 'a', shape: [1, 1], data: [1] }],
        [{ name: 'probabilities', shape: [2, 2], data: [0, 1, 0, 1] }],
      ),
    ).toThrow(/2 rows, inputs have 1/);
  });
});

describe('DriftWindow positions in the log', () => {
  it('should name where the next window begins in the log, mid-record, and rebuild it from there to the same statistics', () => {
    const age = Array.from({ length: 250 }, () => 35 + 10 * rnd());
    const city = Array.from({ length: 250 }, (_, i) => ['a', 'b', 'c'][(i * 7) % 3]!);
    const records = Array.from({ length: 10 }, (_, k) =>
      request(age.slice(k * 25, k * 25 + 25), city.slice(k * 25, k * 25 + 25), new Array(25).fill(0.3)),
    );
    const straight = new DriftWindow({ profile, features: ['age', 'city'], shape: tumbling });
    const closed = records.flatMap((r, k) => straight.add(r, 1000 + k, 1000 + k, 40 + k));
    expect(closed.map((c) => [c.seq, c.resume])).toEqual([
      [1, { offset: 44, row: 0 }],
      [2, { offset: 48, row: 0 }],
    ]);
    // Records of 30 rows: the 100th row is the 10th of the 4th record, so the next window starts mid-record.
    const wide = Array.from({ length: 7 }, (_, k) =>
      request(age.slice(k * 30, k * 30 + 30), city.slice(k * 30, k * 30 + 30), new Array(30).fill(0.3)),
    );
    const first = new DriftWindow({ profile, features: ['age', 'city'], shape: tumbling });
    const firstClosed = wide.flatMap((r, k) => first.add(r, 1000 + k, 1000 + k, k));
    expect(firstClosed.map((c) => c.resume)).toEqual([
      { offset: 3, row: 10 },
      { offset: 6, row: 20 },
    ]);
    // A crash after window 1: a new window continues from its checkpoint and reads records 3.. again.
    const rebuilt = new DriftWindow({ profile, features: ['age', 'city'], shape: tumbling });
    rebuilt.continueFrom(1);
    const again = [
      ...rebuilt.add(wide[3]!, 1003, 1003, 3, 10),
      ...wide.slice(4).flatMap((r, k) => rebuilt.add(r, 1004 + k, 1004 + k, 4 + k)),
    ];
    expect(again).toHaveLength(1);
    expect(again[0]).toMatchObject({ seq: 2, rows: 100, resume: { offset: 6, row: 20 } });
    const eval2 = (w: (typeof again)[0]) => evaluateWindow(profile, w, settings, null).features;
    expect(eval2(again[0]!)).toEqual(eval2(firstClosed[1]!));
  });
});
