// Parsing and validation of `keel train` flags into libs/ml fit options; bad flags get one clear message.
import { type Algo, ALGOS, isAlgo } from '@keel/ml';

export interface TrainFlags {
  data: string;
  target: string;
  idColumn?: string;
  positive?: string;
  algo: string;
  seed: string;
  out: string;
  params?: string;
  validationFraction: string;
}

export interface TrainOptions {
  readonly data: string;
  readonly out: string;
  readonly target: string;
  readonly idColumn?: string;
  readonly positive?: string;
  readonly algo: Algo;
  readonly seed: number;
  readonly params: Record<string, unknown>;
  readonly validationFraction: number;
}

export class TrainUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TrainUsageError';
  }
}

export function parseTrainFlags(flags: TrainFlags): TrainOptions {
  if (!isAlgo(flags.algo)) throw new TrainUsageError(`--algo must be one of ${ALGOS.join(', ')}, got "${flags.algo}"`);
  const seed = Number(flags.seed);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new TrainUsageError(`--seed must be an integer in 0..4294967295, got "${flags.seed}"`);
  const validationFraction = Number(flags.validationFraction);
  if (!(validationFraction > 0 && validationFraction < 1)) {
    throw new TrainUsageError(`--validation-fraction must be a number in (0, 1), got "${flags.validationFraction}"`);
  }
  let params: Record<string, unknown> = {};
  if (flags.params !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(flags.params);
    } catch {
      throw new TrainUsageError(`--params must be a JSON object, got ${flags.params}`);
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new TrainUsageError(`--params must be a JSON object, got ${flags.params}`);
    params = parsed as Record<string, unknown>;
  }
  return {
    data: flags.data,
    out: flags.out,
    target: flags.target,
    idColumn: flags.idColumn,
    positive: flags.positive,
    algo: flags.algo,
    seed,
    params,
    validationFraction,
  };
}
