// Stratified splits: each class is shuffled with the seeded PRNG and cut in the same proportion.
import type { Random } from '../core';
import { MlError, MlErrorCode } from './errors';

export interface Split {
  /** Row indices, ascending. */
  readonly train: Int32Array;
  readonly test: Int32Array;
}

export function stratifiedSplit(labels: Uint8Array, testFraction: number, random: Random): Split {
  if (!(testFraction > 0 && testFraction < 1)) {
    throw new MlError(MlErrorCode.InvalidParams, `test fraction must be in (0, 1), got ${testFraction}`);
  }
  const byClass: number[][] = [[], []];
  for (let i = 0; i < labels.length; i++) byClass[labels[i]].push(i);
  const train: number[] = [];
  const test: number[] = [];
  for (const rows of byClass) {
    const shuffled = random.shuffle(Int32Array.from(rows));
    const nTest = Math.round(rows.length * testFraction);
    if (rows.length > 0 && (nTest === 0 || nTest === rows.length)) {
      throw new MlError(
        MlErrorCode.TooFewRows,
        `a class with ${rows.length} rows cannot be split ${1 - testFraction}/${testFraction}`,
      );
    }
    for (let i = 0; i < shuffled.length; i++) (i < nTest ? test : train).push(shuffled[i]);
  }
  return { train: Int32Array.from(train).sort(), test: Int32Array.from(test).sort() };
}

/** A train / validation / test split in one call, validation taken from what the test cut leaves. */
export function stratifiedSplit3(
  labels: Uint8Array,
  validationFraction: number,
  testFraction: number,
  random: Random,
): Split & { validation: Int32Array } {
  const outer = stratifiedSplit(labels, testFraction, random);
  const inner = stratifiedSplit(pick(labels, outer.train), validationFraction / (1 - testFraction), random);
  return { train: pickIdx(outer.train, inner.train), validation: pickIdx(outer.train, inner.test), test: outer.test };
}

function pick(labels: Uint8Array, rows: Int32Array): Uint8Array {
  const out = new Uint8Array(rows.length);
  for (let i = 0; i < rows.length; i++) out[i] = labels[rows[i]];
  return out;
}

function pickIdx(base: Int32Array, rows: Int32Array): Int32Array {
  const out = new Int32Array(rows.length);
  for (let i = 0; i < rows.length; i++) out[i] = base[rows[i]];
  return out;
}
