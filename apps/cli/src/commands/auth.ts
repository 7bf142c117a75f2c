// `keel auth token create|list|revoke`: bearer tokens with scopes, kept by the registry (docs/security.md).
import type { registryV1 } from '@keel/contracts';
import type { Command } from 'commander';
import type { RegisterCommand } from './command';
import { printJson, table, usageError } from './monitoring-client';
import { withRegistry } from './train-client';

const DAY_MS = 86_400_000;
const iso = (ms: number): string | null => (ms ? new Date(ms).toISOString() : null);

/** One token in `--json` output (docs/cli.md); never the secret. */
export function tokenItem(t: registryV1.AccessToken__Output) {
  return {
    id: t.id,
    name: t.name,
    scopes: t.scopes,
    createdBy: t.createdBy,
    createdAt: iso(t.createdAtMs),
    expiresAt: iso(t.expiresAtMs),
    revokedAt: iso(t.revokedAtMs),
  };
}

function expiryOf(days: string | undefined): number {
  if (days === undefined) return 0;
  const n = Number(days);
  if (!Number.isFinite(n) || n <= 0) throw usageError(`--expires must be a number of days > 0, got "${days}"`);
  return Date.now() + Math.round(n * DAY_MS);
}

function scopesOf(text: string): string[] {
  const scopes = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (scopes.length === 0) throw usageError('--scopes must list read, write, admin or infer (comma-separated)');
  return scopes;
}

export const registerAuth: RegisterCommand = (program: Command) => {
  const token = program
    .command('auth')
    .description('bearer tokens with scopes (the registry keeps them; KEEL_TOKEN is what the CLI sends)')
    .command('token')
    .description('create, list and revoke tokens (needs an admin token)');
  token
    .command('create')
    .description('create a token and print it once (only its sha256 is stored)')
    .requiredOption('--name <name>', 'a unique name: it is what audit entries show')
    .requiredOption('--scopes <scopes>', 'comma-separated: read, write, admin, infer')
    .option('--expires <days>', 'days until it stops working (default: never)')
    .option('--json', 'print a JSON object with the token')
    .action(async (o: { name: string; scopes: string; expires?: string; json?: boolean }) => {
      const req = { name: o.name, scopes: scopesOf(o.scopes), expiresAtMs: expiryOf(o.expires) };
      const res = await withRegistry((r) => r.auth.CreateToken(req));
      if (o.json) return printJson({ ...tokenItem(res.token!), token: res.secret });
      // The secret alone on stdout, so `TOKEN=$(keel auth token create ...)` works; the rest on stderr.
      process.stdout.write(`${res.secret}\n`);
      const expires = res.token!.expiresAtMs ? `expires ${iso(res.token!.expiresAtMs)}` : 'never expires';
      process.stderr.write(
        `token "${res.token!.name}" created (scopes ${res.token!.scopes.join(',')}; ${expires}); ` +
          'it is shown only this once: pass it as KEEL_TOKEN or authorization: Bearer <token>\n',
      );
    });
  token
    .command('list')
    .description('tokens that work now (with --all also revoked and expired ones); never their secrets')
    .option('--all', 'include revoked and expired tokens')
    .option('--json', 'print a JSON array')
    .action(async (o: { all?: boolean; json?: boolean }) => {
      const res = await withRegistry((r) => r.auth.ListTokens({ includeInactive: o.all === true }));
      const items = res.tokens.map(tokenItem);
      if (o.json) return printJson(items);
      process.stdout.write(
        items.length === 0
          ? 'no tokens\n'
          : table(
              ['NAME', 'SCOPES', 'CREATED BY', 'CREATED', 'EXPIRES', 'REVOKED', 'ID'],
              items.map((t) => [
                t.name,
                t.scopes.join(','),
                t.createdBy,
                t.createdAt ?? '-',
                t.expiresAt ?? 'never',
                t.revokedAt ?? '-',
                t.id,
              ]),
            ),
      );
    });
  token
    .command('revoke <token>')
    .description('revoke a token by name or id; services refuse it within their cache time (KEEL_AUTH_CACHE_MS)')
    .option('--json', 'print the revoked token as JSON')
    .action(async (name: string, o: { json?: boolean }) => {
      const t = await withRegistry((r) => r.auth.RevokeToken({ token: name }));
      if (o.json) return printJson(tokenItem(t));
      process.stdout.write(`token "${t.name}" revoked at ${iso(t.revokedAtMs)}\n`);
    });
};
