// Successive halving over a growing resource (boosting iterations): every candidate runs with a small
// resource, the best 1/eta go on with eta times more, until one rung is left (as scikit-learn's
// HalvingRandomSearchCV). A state machine, pure and deterministic: the caller runs each rung's trials
// (in parallel if it likes) and reports their scores; ties go to the lower trial id.
import { MlError, MlErrorCode } from './errors';
import type { ParamValue, Trial } from './search';

export interface HalvingOptions {
  /** The parameter that grows rung by rung, e.g. 'maxIter'. */
  readonly resource: string;
  readonly minResource: number;
  readonly maxResource: number;
  /** Keep 1/eta of the candidates and multiply the resource by eta at each rung; default 3. */
  readonly eta?: number;
  /** 'max' (AUC, the default) or 'min' (log loss). */
  readonly direction?: 'max' | 'min';
  /** Parameters every rung trial gets, e.g. { earlyStopping: false } so iterations are what was asked. */
  readonly fixed?: Readonly<Record<string, ParamValue>>;
}

export interface Rung {
  readonly rung: number;
  readonly candidates: number;
  readonly resource: number;
}

export interface RungTrial extends Trial {
  readonly rung: number;
  readonly resource: number;
}

export interface HalvingResult {
  readonly trial: Trial;
  readonly score: number;
  readonly resource: number;
}

export class SuccessiveHalving {
  /** The planned rungs: how many candidates each runs and with what resource. */
  readonly schedule: readonly Rung[];
  private readonly eta: number;
  private alive: Trial[];
  private rung = 0;
  private last: HalvingResult[] = [];

  constructor(
    trials: readonly Trial[],
    private readonly options: HalvingOptions,
  ) {
    const eta = options.eta ?? 3;
    const { minResource, maxResource } = options;
    const problems: string[] = [];
    if (trials.length === 0) problems.push('no candidates');
    if (!(Number.isInteger(eta) && eta >= 2)) problems.push(`eta must be an integer >= 2, got ${eta}`);
    if (!(
      Number.isInteger(minResource) &&
      minResource >= 1 &&
      Number.isInteger(maxResource) &&
      maxResource >= minResource
    ))
      problems.push(`need integers 1 <= minResource <= maxResource, got ${minResource} and ${maxResource}`);
    if (problems.length > 0) throw new MlError(MlErrorCode.InvalidParams, problems.join('; '));
    this.eta = eta;
    const required = 1 + floorLog(trials.length, eta);
    const possible = 1 + floorLog(Math.floor(maxResource / minResource), eta);
    const rungs = Math.min(required, possible);
    this.schedule = Array.from({ length: rungs }, (_, i) => ({
      rung: i,
      candidates: Math.ceil(trials.length / eta ** i),
      resource: minResource * eta ** i,
    }));
    this.alive = [...trials];
  }

  get done(): boolean {
    return this.rung >= this.schedule.length;
  }

  /** The trials of the current rung, or null when every rung has been reported. */
  next(): RungTrial[] | null {
    if (this.done) return null;
    const { resource } = this.schedule[this.rung];
    return this.alive.map((t) => ({
      id: t.id,
      rung: this.rung,
      resource,
      params: { ...t.params, ...(this.options.fixed ?? {}), [this.options.resource]: resource },
    }));
  }

  /** Scores of every trial of the current rung (by trial id); keeps the best 1/eta for the next rung. */
  report(scores: ReadonlyMap<number, number>): void {
    if (this.done) throw new MlError(MlErrorCode.InvalidParams, 'successive halving is already done');
    const missing = this.alive.filter((t) => !scores.has(t.id)).map((t) => t.id);
    if (missing.length > 0)
      throw new MlError(MlErrorCode.InvalidParams, `rung ${this.rung}: no score for trial ${missing.join(', ')}`);
    const { resource } = this.schedule[this.rung];
    const sign = this.options.direction === 'min' ? 1 : -1;
    const ranked = this.alive
      .map((trial) => ({ trial, score: scores.get(trial.id)!, resource }))
      .sort((a, b) => rank(a.score, sign) - rank(b.score, sign) || a.trial.id - b.trial.id);
    this.last = ranked;
    this.rung++;
    if (!this.done) this.alive = ranked.slice(0, this.schedule[this.rung].candidates).map((r) => r.trial);
  }

  /** The best result of the last rung reported, or null before the first report. */
  best(): HalvingResult | null {
    return this.last.length > 0 && !Number.isNaN(this.last[0].score) ? this.last[0] : null;
  }
}

/** Lower is better; NaN (a failed trial) after everything. */
function rank(score: number, sign: number): number {
  return Number.isNaN(score) ? Infinity : sign * score;
}

function floorLog(x: number, base: number): number {
  let k = 0;
  for (let v = base; v <= x; v *= base) k++;
  return k;
}
