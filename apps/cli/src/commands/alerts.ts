// `keel alerts [--model m] [--status firing|resolved] [--limit n] [--json]`: drift and performance alerts.
import type { monitoringV1 } from '@keel/contracts';
import type { Command } from 'commander';
import type { RegisterCommand } from './command';
import { printJson, table, usageError, withMonitoring } from './monitoring-client';

/** One `alerts --json` item (stable fields, documented in docs/monitoring.md). */
export interface AlertItem {
  id: string;
  model: string;
  version: number;
  kind: 'drift' | 'performance';
  status: 'firing' | 'resolved';
  severity: string;
  window: { id: string; from: string; to: string; rows: number };
  /** Input features that drifted; prediction drift is reported apart, in predictionDrift. */
  driftedFeatures: string[];
  predictionDrift: boolean;
  message: string;
  evidence: unknown;
  retrainJobId: string | null;
  firedAt: string;
  resolvedAt: string | null;
  repeats: number;
  referenceSnapshotSha256: string;
}

export function alertItem(a: monitoringV1.Alert__Output): AlertItem {
  const iso = (ms: number) => new Date(ms).toISOString();
  return {
    id: a.id,
    model: a.model,
    version: a.version,
    kind: a.kind as AlertItem['kind'],
    status: a.status as AlertItem['status'],
    severity: a.severity,
    window: { id: a.windowId, from: iso(a.windowFromMs), to: iso(a.windowToMs), rows: a.windowRows },
    driftedFeatures: a.driftedFeatures,
    predictionDrift: a.predictionDrift,
    message: a.message,
    evidence: JSON.parse(a.evidenceJson || '{}') as unknown,
    retrainJobId: a.retrainJobId || null,
    firedAt: iso(a.firedAtMs),
    resolvedAt: a.resolvedAtMs ? iso(a.resolvedAtMs) : null,
    repeats: a.repeats,
    referenceSnapshotSha256: a.referenceSha256,
  };
}

export const registerAlerts: RegisterCommand = (program: Command) => {
  program
    .command('alerts')
    .description('list drift and performance alerts, newest first')
    .option('--model <name>', 'only this model')
    .option('--status <firing|resolved>', 'only firing or resolved alerts')
    .option('--limit <n>', 'at most this many (1-1000)', '100')
    .option('--json', 'print a JSON array (fields in docs/monitoring.md)')
    .action(async (o: { model?: string; status?: string; limit: string; json?: boolean }) => {
      const limit = Number(o.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
        throw usageError('--limit must be an integer from 1 to 1000');
      if (o.status && o.status !== 'firing' && o.status !== 'resolved')
        throw usageError('--status must be firing or resolved');
      const res = (await withMonitoring((c) =>
        c.alerts.ListAlerts({ model: o.model ?? '', status: o.status ?? '', limit }),
      )) as monitoringV1.ListAlertsResponse__Output;
      const items = res.alerts.map(alertItem);
      if (o.json) return printJson(items);
      process.stdout.write(
        items.length === 0
          ? 'no alerts\n'
          : table(
              ['FIRED', 'MODEL', 'VERSION', 'KIND', 'STATUS', 'SEVERITY', 'FEATURES', 'MESSAGE'],
              items.map((a) => [
                a.firedAt,
                a.model,
                String(a.version),
                a.kind,
                a.status,
                a.severity,
                a.driftedFeatures.join(',') +
                  (a.predictionDrift ? (a.driftedFeatures.length ? ',' : '') + '(prediction)' : ''),
                a.message,
              ]),
            ),
      );
    });
};
