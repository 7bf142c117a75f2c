// `keel audit [--since t] [--action a] [--subject s] [--limit n] [--json]`: the registry's audit trail.
import type { registryV1 } from '@keel/contracts';
import type { Command } from 'commander';
import type { RegisterCommand } from './command';
import { printJson, table, usageError } from './monitoring-client';
import { withRegistry } from './train-client';

/** One `audit --json` item (documented in docs/security.md). */
export interface AuditItem {
  id: string;
  at: string;
  actor: string;
  action: string;
  subject: string;
  details: Record<string, unknown>;
  traceId: string | null;
}

export function auditItem(e: registryV1.AuditEntry__Output): AuditItem {
  return {
    id: e.id,
    at: new Date(e.at).toISOString(),
    actor: e.actor,
    action: e.action,
    subject: e.subject,
    details: JSON.parse(e.detailsJson || '{}') as Record<string, unknown>,
    traceId: e.traceId || null,
  };
}

const UNITS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

/** "30m", "24h", "7d" ago, or an ISO 8601 time; epoch milliseconds. */
export function parseSince(value: string, now = Date.now()): number {
  const relative = /^(\d{1,6})([mhd])$/.exec(value);
  if (relative) return now - Number(relative[1]) * UNITS[relative[2]!]!;
  const at = /^\d{4}-\d{2}-\d{2}/.test(value) ? Date.parse(value) : NaN;
  if (Number.isNaN(at)) throw usageError('--since must be a duration such as 30m, 24h or 7d, or an ISO 8601 time');
  return at;
}

function summary(details: Record<string, unknown>): string {
  const parts = Object.entries(details)
    .filter(([, v]) => v !== null && typeof v !== 'object')
    .map(([k, v]) => `${k}=${String(v)}`);
  return parts.join(' ').slice(0, 100);
}

export const registerAudit: RegisterCommand = (program: Command) => {
  program
    .command('audit')
    .description('list admin actions (promotions, refusals, alias moves, archiving, tokens, policies), newest first')
    .option('--since <when>', 'only entries since a duration ago (30m, 24h, 7d) or an ISO 8601 time')
    .option('--action <action>', 'only this action, e.g. model.promoted or policy.changed')
    .option('--subject <subject>', 'only this subject, e.g. churn@production; "churn*" for every subject starting so')
    .option('--limit <n>', 'at most this many (1-10000)', '100')
    .option('--json', 'print a JSON array (fields in docs/security.md)')
    .action(async (o: { since?: string; action?: string; subject?: string; limit: string; json?: boolean }) => {
      const limit = Number(o.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 10_000)
        throw usageError('--limit must be an integer from 1 to 10000');
      const since = o.since ? parseSince(o.since) : 0;
      const entries = await withRegistry(async (r) => {
        const out: registryV1.AuditEntry__Output[] = [];
        let pageToken = '';
        do {
          const res = await r.audit.ListAuditEntries({
            since,
            action: o.action ?? '',
            subject: o.subject ?? '',
            page: { pageSize: Math.min(1000, limit - out.length), pageToken },
          });
          out.push(...res.entries);
          pageToken = res.nextPageToken;
        } while (pageToken && out.length < limit);
        return out;
      });
      const items = entries.map(auditItem);
      if (o.json) return printJson(items);
      process.stdout.write(
        items.length === 0
          ? 'no audit entries\n'
          : table(
              ['AT', 'ACTOR', 'ACTION', 'SUBJECT', 'DETAILS'],
              items.map((e) => [e.at, e.actor, e.action, e.subject, summary(e.details)]),
            ),
      );
    });
};
