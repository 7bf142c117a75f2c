// Hyperparameter search primitives, pure and deterministic per seed: a declared space (lists or
// distributions per parameter), the trials of a grid or of a seeded random search within a budget, and
// the choice of the best result. Running the trials (a worker pool, child runs) is the caller's job.
import { Random } from '../core';
import { MlError, MlErrorCode } from './errors';
import { type Algo, resolveParams } from './params';

export type ParamValue = number | string | boolean;

export type Distribution =
  | { readonly kind: 'choice'; readonly values: readonly ParamValue[] }
  | { readonly kind: 'uniform'; readonly low: number; readonly high: number }
  | { readonly kind: 'loguniform'; readonly low: number; readonly high: number }
  /** Integers low..high inclusive; log: uniform in log space. */
  | { readonly kind: 'int'; readonly low: number; readonly high: number; readonly log?: boolean };

/** Per learner parameter, a distribution or a plain list (a choice). */
export type SearchSpace = Readonly<Record<string, Distribution | readonly ParamValue[]>>;

export interface Trial {
  /** 0-based, in the order trials should be reported; ties between results go to the lower id. */
  readonly id: number;
  readonly params: Readonly<Record<string, ParamValue>>;
}

export interface SearchPlan {
  readonly algo: Algo;
  readonly space: SearchSpace;
  readonly strategy: 'grid' | 'random';
  /** Most trials to run. A grid larger than this is an error; random search draws this many. */
  readonly budget: number;
  readonly seed: number;
}

/** Largest grid planSearch will enumerate. */
export const MAX_GRID = 100_000;

export function planSearch(plan: SearchPlan): Trial[] {
  const dims = validateSpace(plan);
  const keys = [...dims.keys()].sort();
  const discrete = keys.every((k) => isDiscrete(dims.get(k)!));
  const size = discrete ? keys.reduce((n, k) => n * levels(dims.get(k)!).length, 1) : Infinity;
  let trials: Record<string, ParamValue>[];
  if (plan.strategy === 'grid') {
    if (!discrete) {
      const continuous = keys.filter((k) => !isDiscrete(dims.get(k)!));
      throw invalid(
        `a grid needs lists or int ranges; ${continuous.join(', ')} ${continuous.length > 1 ? 'are' : 'is'} continuous`,
      );
    }
    if (size > plan.budget) throw invalid(`the grid has ${size} points, more than the budget of ${plan.budget}`);
    trials = gridPoints(keys, dims, size);
  } else if (discrete && size <= MAX_GRID) {
    // Every parameter is discrete: draw grid points without repetition.
    const grid = gridPoints(keys, dims, size);
    const order = new Random(plan.seed).shuffle(Int32Array.from({ length: size }, (_, i) => i));
    trials = Array.from(order.subarray(0, Math.min(plan.budget, size)), (i) => grid[i]);
  } else {
    const random = new Random(plan.seed);
    trials = Array.from({ length: plan.budget }, () => {
      const params: Record<string, ParamValue> = {};
      for (const k of keys) params[k] = sample(dims.get(k)!, random);
      return params;
    });
  }
  return trials.map((params, id) => ({ id, params }));
}

export interface TrialResult {
  readonly trial: Trial;
  /** The validation metric; NaN (a failed trial) never wins. */
  readonly score: number;
}

/** The result with the best score ('max' for AUC, 'min' for log loss), ties to the lower trial id. */
export function bestTrial(results: readonly TrialResult[], direction: 'max' | 'min' = 'max'): TrialResult | null {
  let best: TrialResult | null = null;
  for (const r of results) {
    if (Number.isNaN(r.score)) continue;
    const better = best === null || (direction === 'max' ? r.score > best.score : r.score < best.score);
    const tie = best !== null && r.score === best.score && r.trial.id < best.trial.id;
    if (better || tie) best = r;
  }
  return best;
}

function validateSpace(plan: SearchPlan): Map<string, Distribution> {
  const problems: string[] = [];
  if (!(Number.isInteger(plan.budget) && plan.budget >= 1))
    problems.push(`budget must be a positive integer, got ${plan.budget}`);
  if (!Number.isInteger(plan.seed)) problems.push(`seed must be an integer, got ${plan.seed}`);
  const dims = new Map<string, Distribution>();
  for (const [key, given] of Object.entries(plan.space)) {
    const dim: Distribution = Array.isArray(given) ? { kind: 'choice', values: given } : (given as Distribution);
    const problem = checkDistribution(dim);
    if (problem !== null) {
      problems.push(`${key}: ${problem}`);
      continue;
    }
    // Every value the dimension can produce must be a valid parameter of the learner.
    for (const value of isDiscrete(dim) ? levels(dim) : [(dim as { low: number }).low]) {
      try {
        resolveParams(plan.algo, { [key]: value });
      } catch (err) {
        problems.push(err instanceof Error ? err.message : String(err));
        break;
      }
    }
    dims.set(key, dim);
  }
  if (Object.keys(plan.space).length === 0) problems.push('the search space is empty');
  if (problems.length > 0) throw invalid(problems.join('; '));
  return dims;
}

function checkDistribution(dim: Distribution): string | null {
  switch (dim.kind) {
    case 'choice':
      return dim.values.length === 0 ? 'a choice needs at least one value' : null;
    case 'uniform':
      return Number.isFinite(dim.low) && Number.isFinite(dim.high) && dim.low < dim.high ? null : 'needs low < high';
    case 'loguniform':
      return dim.low > 0 && Number.isFinite(dim.high) && dim.low < dim.high ? null : 'needs 0 < low < high';
    case 'int':
      if (!(Number.isInteger(dim.low) && Number.isInteger(dim.high) && dim.low <= dim.high))
        return 'needs integers low <= high';
      return dim.log && dim.low < 1 ? 'a log int range needs low >= 1' : null;
    default:
      return `unknown distribution ${JSON.stringify((dim as { kind: unknown }).kind)}`;
  }
}

function isDiscrete(dim: Distribution): boolean {
  return dim.kind === 'choice' || dim.kind === 'int';
}

function levels(dim: Distribution): readonly ParamValue[] {
  if (dim.kind === 'choice') return dim.values;
  if (dim.kind === 'int') {
    const n = dim.high - dim.low + 1;
    if (n > MAX_GRID) throw invalid(`an int range of ${n} values is too large to enumerate`);
    return Array.from({ length: n }, (_, i) => dim.low + i);
  }
  throw invalid(`${dim.kind} is not discrete`);
}

/** The cartesian product in key order, the last key varying fastest. */
function gridPoints(
  keys: readonly string[],
  dims: Map<string, Distribution>,
  size: number,
): Record<string, ParamValue>[] {
  if (size > MAX_GRID) throw invalid(`the grid has ${size} points, more than ${MAX_GRID}`);
  const lists = keys.map((k) => levels(dims.get(k)!));
  return Array.from({ length: size }, (_, index) => {
    const params: Record<string, ParamValue> = {};
    let rest = index;
    for (let k = keys.length - 1; k >= 0; k--) {
      params[keys[k]] = lists[k][rest % lists[k].length];
      rest = Math.floor(rest / lists[k].length);
    }
    return Object.fromEntries(keys.map((k) => [k, params[k]]));
  });
}

function sample(dim: Distribution, random: Random): ParamValue {
  switch (dim.kind) {
    case 'choice':
      return dim.values[random.nextInt(dim.values.length)];
    case 'uniform':
      return dim.low + (dim.high - dim.low) * random.nextFloat();
    case 'loguniform':
      return Math.exp(Math.log(dim.low) + (Math.log(dim.high) - Math.log(dim.low)) * random.nextFloat());
    case 'int': {
      if (!dim.log) return dim.low + random.nextInt(dim.high - dim.low + 1);
      const u = Math.log(dim.low) + (Math.log(dim.high + 1) - Math.log(dim.low)) * random.nextFloat();
      return Math.min(dim.high, Math.max(dim.low, Math.floor(Math.exp(u))));
    }
  }
}

function invalid(message: string): MlError {
  return new MlError(MlErrorCode.InvalidParams, message);
}
