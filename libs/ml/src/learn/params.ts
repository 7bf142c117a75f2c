// Learner parameters: defaults merged with the caller's overrides, unknown names rejected.
import { MlError, MlErrorCode } from './errors';
import { DEFAULT_FOREST, type ForestParams } from './forest';
import { DEFAULT_GBDT, type GbdtParams } from './gbdt';
import { DEFAULT_LOGISTIC, type LogisticParams } from './logistic';

export type Algo = 'lr' | 'rf' | 'gbdt';
export const ALGOS: readonly Algo[] = ['lr', 'rf', 'gbdt'];

export type ParamsFor<A extends Algo> = A extends 'lr' ? LogisticParams : A extends 'rf' ? ForestParams : GbdtParams;
export type AnyParams = LogisticParams | ForestParams | GbdtParams;

/** Parameters that take one of a few words (or, for some, a value of another type). */
const CHOICES: Readonly<Record<string, { words: readonly unknown[]; orType?: 'number' | 'boolean' }>> = {
  maxFeatures: { words: ['sqrt'], orType: 'number' },
  earlyStopping: { words: ['auto'], orType: 'boolean' },
  solver: { words: ['auto', 'newton', 'lbfgs'] },
};

export function isAlgo(value: string): value is Algo {
  return (ALGOS as readonly string[]).includes(value);
}

export function resolveParams(algo: Algo, overrides: Readonly<Record<string, unknown>> = {}): AnyParams {
  const defaults = defaultsFor(algo) as unknown as Record<string, unknown>;
  const merged: Record<string, unknown> = { ...defaults };
  for (const [key, value] of Object.entries(overrides)) {
    if (!(key in defaults)) {
      throw new MlError(
        MlErrorCode.InvalidParams,
        `unknown ${algo} parameter "${key}" (known: ${Object.keys(defaults).join(', ')})`,
      );
    }
    const choices = CHOICES[key];
    if (choices !== undefined) {
      const ok = choices.words.includes(value) || typeof value === choices.orType;
      if (!ok || (typeof value === 'number' && !Number.isFinite(value))) {
        const also = choices.orType === undefined ? '' : ` or a ${choices.orType}`;
        throw new MlError(
          MlErrorCode.InvalidParams,
          `${algo} parameter "${key}" must be ${choices.words.map((w) => JSON.stringify(w)).join(', ')}${also}, got ${JSON.stringify(value)}`,
        );
      }
    } else {
      const expected = typeof defaults[key];
      if (typeof value !== expected || (typeof value === 'number' && !Number.isFinite(value))) {
        throw new MlError(
          MlErrorCode.InvalidParams,
          `${algo} parameter "${key}" must be a finite ${expected}, got ${JSON.stringify(value)}`,
        );
      }
    }
    merged[key] = value;
  }
  return merged as unknown as AnyParams;
}

function defaultsFor(algo: Algo): AnyParams {
  switch (algo) {
    case 'lr':
      return DEFAULT_LOGISTIC;
    case 'rf':
      return DEFAULT_FOREST;
    case 'gbdt':
      return DEFAULT_GBDT;
  }
}
