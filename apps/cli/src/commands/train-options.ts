// Parsing and validation of `keel train` flags into libs/ml fit options; bad flags get one clear message.
import { type Algo, ALGOS, type ColumnType, isAlgo } from '@keel/ml';

export interface TrainFlags {
  data: string;
  target: string;
  idColumn?: string;
  positive?: string;
  algo: string;
  seed: string;
  out: string;
  params?: string;
  columnTypes?: string;
  validationFraction: string;
  /** commander's --no-refit sets this to false. */
  refit: boolean;
  minFrequency?: string;
  maxCategories?: string;
  card?: string;
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
  readonly columnTypes: Record<string, ColumnType>;
  readonly validationFraction: number;
  /** Refit on train + validation before writing the model (default). */
  readonly refit: boolean;
  readonly minFrequency?: number;
  readonly maxCategories?: number;
  /** Where to write the model card (JSON), if anywhere. */
  readonly card?: string;
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
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff)
    throw new TrainUsageError(`--seed must be an integer in 0..4294967295, got "${flags.seed}"`);
  const validationFraction = Number(flags.validationFraction);
  if (!(validationFraction > 0 && validationFraction < 1)) {
    throw new TrainUsageError(`--validation-fraction must be a number in (0, 1), got "${flags.validationFraction}"`);
  }
  const params = flags.params === undefined ? {} : jsonObject('--params', flags.params);
  const columnTypes: Record<string, ColumnType> = {};
  for (const [column, type] of Object.entries(
    flags.columnTypes === undefined ? {} : jsonObject('--column-types', flags.columnTypes),
  )) {
    if (type !== 'numeric' && type !== 'categorical' && type !== 'boolean') {
      throw new TrainUsageError(
        `--column-types: "${column}" must be numeric, categorical or boolean, got ${JSON.stringify(type)}`,
      );
    }
    columnTypes[column] = type;
  }
  const minFrequency = optionalNumber('--min-frequency', flags.minFrequency);
  if (
    minFrequency !== undefined &&
    !(Number.isInteger(minFrequency) ? minFrequency >= 1 : minFrequency > 0 && minFrequency < 1)
  )
    throw new TrainUsageError(
      `--min-frequency must be an integer >= 1 or a fraction in (0, 1), got "${flags.minFrequency}"`,
    );
  const maxCategories = optionalNumber('--max-categories', flags.maxCategories);
  if (maxCategories !== undefined && !(Number.isInteger(maxCategories) && maxCategories >= 2))
    throw new TrainUsageError(`--max-categories must be an integer >= 2, got "${flags.maxCategories}"`);
  return {
    data: flags.data,
    out: flags.out,
    target: flags.target,
    idColumn: flags.idColumn,
    positive: flags.positive,
    algo: flags.algo,
    seed,
    params,
    columnTypes,
    validationFraction,
    refit: flags.refit,
    ...(minFrequency !== undefined ? { minFrequency } : {}),
    ...(maxCategories !== undefined ? { maxCategories } : {}),
    ...(flags.card !== undefined ? { card: flags.card } : {}),
  };
}

function optionalNumber(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value))
    throw new TrainUsageError(`${flag} must be a number, got "${text}"`);
  return value;
}

function jsonObject(flag: string, text: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new TrainUsageError(`${flag} must be a JSON object, got ${text}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new TrainUsageError(`${flag} must be a JSON object, got ${text}`);
  return parsed as Record<string, unknown>;
}
