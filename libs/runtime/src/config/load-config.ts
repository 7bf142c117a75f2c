import type { ConfigOf, Settings } from './settings';

/** Every problem with the environment at once, one line per variable. */
export class ConfigError extends Error {
  constructor(
    readonly service: string,
    readonly problems: string[],
  ) {
    super(`invalid configuration for ${service}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** A rule across several variables; returns one "VARIABLE: problem" line per problem. */
export type ConfigCheck<C> = (config: C) => string[];

export function loadConfig<S extends Settings>(
  service: string,
  settings: S,
  env: NodeJS.ProcessEnv = process.env,
  checks: readonly ConfigCheck<ConfigOf<S>>[] = [],
): ConfigOf<S> {
  const problems: string[] = [];
  const config: Record<string, unknown> = {};
  for (const [key, s] of Object.entries(settings)) {
    const raw = env[s.env];
    const value = raw === undefined || raw === '' ? s.default : raw;
    const parsed = s.schema.safeParse(value);
    if (parsed.success) config[key] = parsed.data;
    else {
      const shown = s.secret && value !== undefined ? ' (value redacted)' : '';
      const messages = parsed.error.issues.map((i) => (s.secret ? i.message.replace(/, got ".*"$/, '') : i.message));
      problems.push(`${s.env}: ${messages.join('; ')}${shown}`);
    }
  }
  // Cross-variable rules only make sense once every variable parsed.
  if (problems.length === 0) for (const check of checks) problems.push(...check(config as ConfigOf<S>));
  if (problems.length > 0) throw new ConfigError(service, problems);
  return config as ConfigOf<S>;
}

/** The configuration with secret values replaced, safe to log. */
export function redactConfig<S extends Settings>(settings: S, config: ConfigOf<S>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, s] of Object.entries(settings)) {
    const v = (config as Record<string, unknown>)[key];
    out[key] = s.secret && v !== undefined ? '[redacted]' : v;
  }
  return out;
}

/** A markdown table documenting a service's variables (docs/configuration.md is generated from it). */
export function settingsTable(settings: Settings): string {
  const rows = Object.values(settings).map(
    (s) =>
      `| \`${s.env}\` | ${s.default === undefined ? '—' : `\`${s.default}\``} | ${s.description}${s.secret ? ' (secret)' : ''} |`,
  );
  return ['| variable | default | meaning |', '|---|---|---|', ...rows].join('\n');
}
