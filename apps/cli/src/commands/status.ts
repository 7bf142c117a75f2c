import type { Command } from 'commander';
import { planPlatform, supervisorUrl as supervisorAddress } from './up-plan';
import type { ProcessStatus } from './up-supervisor';

/** One row of `keel status --json` (documented in docs/cli.md). */
export interface StatusRow {
  name: string;
  /** The supervisor's view (starting, ready, backoff, failed, stopped), or null when no supervisor answers. */
  state: string | null;
  ready: boolean;
  version: string | null;
  pid: number | null;
  uptimeSeconds: number | null;
  restarts: number | null;
  lastExit: string | null;
  endpoints: { grpc?: string; http: string; kafka?: string };
  /** The readiness checks that failed, by name (empty when ready or unreachable). */
  problems: Record<string, string>;
}

/** `keel status`: every process's readiness, version, endpoints and, under `keel up`, state and restarts. */
export function registerStatus(program: Command): void {
  program
    .command('status')
    .description('show every service: ready or not, version, endpoints, and (under keel up) uptime and restarts')
    .option('--json', 'print JSON: { supervisor, processes: [...] }')
    .action(async (opts: { json?: boolean }) => {
      const { supervisor, rows } = await collectStatus(process.env);
      if (opts.json) process.stdout.write(JSON.stringify({ supervisor, processes: rows }, null, 2) + '\n');
      else process.stdout.write(renderStatus(supervisor, rows));
      // Scripts can wait on this: 0 only when every process is ready.
      process.exitCode = rows.every((r) => r.ready) ? 0 : 1;
    });
}

export async function collectStatus(env: NodeJS.ProcessEnv): Promise<{ supervisor: string | null; rows: StatusRow[] }> {
  const plan = planPlatform('', env['KEEL_DATA_DIR'] ?? '.keel', env);
  const supervisorUrl = supervisorAddress(env);
  const supervised = await getJson<{ processes: ProcessStatus[] }>(`${supervisorUrl}/status`);
  const byName = new Map((supervised?.processes ?? []).map((p) => [p.name, p]));
  const rows = await Promise.all(
    plan.map(async (p): Promise<StatusRow> => {
      const ready = await getJson<{ ready?: boolean; version?: string; checks?: Record<string, string> }>(
        p.readyUrl,
        true,
      );
      const s = byName.get(p.name);
      const problems = Object.fromEntries(Object.entries(ready?.checks ?? {}).filter(([, v]) => v !== 'ok'));
      return {
        name: p.name,
        state: s?.state ?? null,
        ready: ready !== undefined && (ready.ready ?? true) && Object.keys(problems).length === 0,
        version: ready?.version ?? null,
        pid: s?.pid ?? null,
        uptimeSeconds: s?.uptimeSeconds ?? null,
        restarts: s?.restarts ?? null,
        lastExit: s?.lastExit ?? null,
        endpoints: p.endpoints,
        problems,
      };
    }),
  );
  return { supervisor: supervised ? supervisorUrl : null, rows };
}

/** GET a JSON body; undefined when nothing answers (or, unless `anyStatus`, on a non-200 answer). */
async function getJson<T>(url: string, anyStatus = false): Promise<T | undefined> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
    if (!anyStatus && res.status !== 200) return undefined;
    const text = await res.text();
    // The broker's /healthz answers plain text: it being up is what counts.
    try {
      return JSON.parse(text) as T;
    } catch {
      return (res.status === 200 ? {} : undefined) as T | undefined;
    }
  } catch {
    return undefined;
  }
}

export function renderStatus(supervisor: string | null, rows: StatusRow[]): string {
  const head = ['process', 'ready', 'state', 'version', 'pid', 'uptime', 'restarts', 'endpoints'];
  const cells = rows.map((r) => [
    r.name,
    r.ready ? 'yes' : 'NO',
    r.state ?? '-',
    r.version ?? '-',
    r.pid === null ? '-' : String(r.pid),
    r.uptimeSeconds === null ? '-' : `${r.uptimeSeconds.toFixed(0)} s`,
    r.restarts === null ? '-' : String(r.restarts),
    [r.endpoints.kafka ?? r.endpoints.grpc, r.endpoints.http].filter(Boolean).join('  '),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[]) =>
    c
      .map((v, i) => v.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  const notes = rows
    .filter((r) => Object.keys(r.problems).length > 0)
    .map(
      (r) =>
        `${r.name}: ${Object.entries(r.problems)
          .map(([k, v]) => `${k}: ${v}`)
          .join('; ')}`,
    );
  return (
    [
      line(head),
      ...cells.map(line),
      '',
      supervisor
        ? `supervisor: ${supervisor}`
        : 'supervisor: not running (processes not started by keel up / npm start)',
      ...notes,
    ].join('\n') + '\n'
  );
}
