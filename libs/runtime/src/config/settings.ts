import { z } from 'zod';

/** One environment variable: how to parse it, its default, and the line that documents it. */
export interface Setting<T> {
  env: string;
  description: string;
  /** The raw value used when the variable is unset; documented as the default. */
  default?: string;
  /** Never printed: logs and error messages show `[redacted]`. */
  secret?: boolean;
  schema: z.ZodType<T, string | undefined>;
}

export type Settings = Record<string, Setting<unknown>>;
export type ConfigOf<S extends Settings> = { readonly [K in keyof S]: S[K] extends Setting<infer T> ? T : never };

type Opts = { default?: string; secret?: boolean };

function define<T>(
  env: string,
  description: string,
  schema: z.ZodType<T, string | undefined>,
  opts: Opts = {},
): Setting<T> {
  return { env, description, schema, ...opts };
}

const required = (what: string) => z.string({ error: `is required (${what})` });

export const setting = {
  port(env: string, fallback: number, description: string): Setting<number> {
    return define(
      env,
      description,
      required('a TCP port')
        .regex(/^\d+$/, { error: (iss) => `must be a TCP port number 0-65535, got "${String(iss.input)}"` })
        .transform(Number)
        .pipe(
          z.number().int().min(0, 'must be a TCP port number 0-65535').max(65535, 'must be a TCP port number 0-65535'),
        ),
      { default: String(fallback) },
    );
  },

  int(env: string, description: string, opts: { default?: number; min?: number; max?: number } = {}): Setting<number> {
    const min = opts.min ?? Number.MIN_SAFE_INTEGER;
    const max = opts.max ?? Number.MAX_SAFE_INTEGER;
    const range = `an integer from ${opts.min ?? '-∞'} to ${opts.max ?? '∞'}`;
    return define(
      env,
      description,
      required(range)
        .regex(/^-?\d+$/, { error: (iss) => `must be ${range}, got "${String(iss.input)}"` })
        .transform(Number)
        .pipe(z.number().int().min(min, `must be ${range}`).max(max, `must be ${range}`)),
      { default: opts.default === undefined ? undefined : String(opts.default) },
    );
  },

  bool(env: string, fallback: boolean, description: string): Setting<boolean> {
    return define(
      env,
      description,
      required('true or false')
        .regex(/^(true|false|1|0|yes|no)$/i, { error: (iss) => `must be true or false, got "${String(iss.input)}"` })
        .transform((v) => /^(true|1|yes)$/i.test(v)),
      { default: String(fallback) },
    );
  },

  string(env: string, description: string, opts: Opts & { pattern?: RegExp } = {}): Setting<string> {
    let schema = required('a non-empty string').min(1, 'must not be empty');
    if (opts.pattern) schema = schema.regex(opts.pattern, `must match ${String(opts.pattern)}`);
    return define(env, description, schema, opts);
  },

  optionalString(
    env: string,
    description: string,
    opts: { secret?: boolean; pattern?: RegExp } = {},
  ): Setting<string | undefined> {
    let inner = z.string().min(1, 'must not be empty when set');
    if (opts.pattern) inner = inner.regex(opts.pattern, `must match ${String(opts.pattern)}`);
    return define(env, description, inner.optional(), { secret: opts.secret });
  },

  optionalOneOf<const V extends readonly [string, ...string[]]>(
    env: string,
    values: V,
    description: string,
  ): Setting<V[number] | undefined> {
    return define(
      env,
      description,
      z.enum(values, { error: (iss) => `must be one of ${values.join(', ')}, got "${String(iss.input)}"` }).optional(),
    );
  },

  optionalUrl(
    env: string,
    description: string,
    protocols: string[],
    opts: { secret?: boolean } = {},
  ): Setting<string | undefined> {
    const ok = (v: string) => {
      try {
        return protocols.includes(new URL(v).protocol.replace(/:$/, ''));
      } catch {
        return false;
      }
    };
    return define(
      env,
      description,
      z
        .string()
        .refine(ok, `must be a URL starting with ${protocols.map((p) => `${p}://`).join(' or ')}`)
        .optional(),
      opts,
    );
  },

  oneOf<const V extends readonly [string, ...string[]]>(
    env: string,
    values: V,
    fallback: V[number],
    description: string,
  ): Setting<V[number]> {
    return define(
      env,
      description,
      z.enum(values, { error: (iss) => `must be one of ${values.join(', ')}, got "${String(iss.input)}"` }),
      { default: fallback },
    );
  },

  list(
    env: string,
    description: string,
    opts: { default?: string; item?: RegExp; itemHint?: string } = {},
  ): Setting<string[]> {
    const item = opts.item;
    return define(
      env,
      description,
      required('a comma-separated list')
        .transform((v) =>
          v
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean),
        )
        .pipe(
          z
            .array(item ? z.string().regex(item, `each item must be ${opts.itemHint ?? String(item)}`) : z.string())
            .min(1, 'must list at least one item'),
        ),
      { default: opts.default },
    );
  },
};
