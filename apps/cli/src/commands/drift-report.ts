// `keel drift report <model> [--window <id>] [--json]`: one window's drift per feature, beside `keel drift`
// (which compares two local CSV files).
import type { monitoringV1 } from '@keel/contracts';
import type { Command } from 'commander';
import type { RegisterCommand } from './command';
import { printJson, table, withMonitoring } from './monitoring-client';

const fmt = (x: number | undefined) => (x === undefined ? '-' : Number(x.toPrecision(4)).toString());

function feature(f: monitoringV1.FeatureDrift__Output) {
  return {
    feature: f.feature,
    kind: f.kind,
    test: f.test,
    score: f.score ?? null,
    threshold: f.threshold,
    drift: f.drift,
    rowsReference: f.rowsReference,
    rowsCurrent: f.rowsCurrent,
    exact: f.exact,
    statistics: JSON.parse(f.statisticsJson || '{}') as Record<string, number>,
    ...(f.note ? { note: f.note } : {}),
  };
}

export function reportItem(w: monitoringV1.DriftWindow__Output) {
  return {
    id: w.id,
    model: w.model,
    version: w.version,
    seq: w.seq,
    window: { from: new Date(w.fromMs).toISOString(), to: new Date(w.toMs).toISOString(), rows: w.rows },
    reference: {
      dataset: w.dataset || null,
      datasetVersion: w.datasetVersion || null,
      snapshotSha256: w.referenceSha256,
    },
    driftedFeatures: w.driftedFeatures,
    driftShare: w.driftShare,
    datasetDrift: w.datasetDrift,
    features: w.features.map(feature),
    prediction: w.prediction ? feature(w.prediction) : null,
    ...(w.predictionNote ? { predictionNote: w.predictionNote } : {}),
  };
}

export const registerDriftReport: RegisterCommand = (program: Command) => {
  const drift = program.commands.find((c) => c.name() === 'drift') ?? program.command('drift');
  drift
    .command('report <model>')
    .description("a monitored model's drift in its latest window (or --window <id>)")
    .option('--window <id>', 'a window id (from `keel alerts --json` or an earlier report)')
    .option('--json', 'print JSON')
    .action(async (model: string, o: { window?: string; json?: boolean }) => {
      const res = await withMonitoring((c) => c.drift.GetDriftReport({ model, windowId: o.window ?? '' }));
      const w = reportItem(res as monitoringV1.DriftWindow__Output);
      if (o.json) return printJson(w);
      const rows = [...w.features, ...(w.prediction ? [w.prediction] : [])].map((f) => [
        f.feature,
        f.kind,
        f.test,
        fmt(f.score ?? undefined),
        fmt(f.threshold),
        f.drift ? 'DRIFT' : 'ok',
      ]);
      process.stdout.write(
        `${w.model} v${w.version} window #${w.seq} (${w.id}): ${w.window.rows} rows ${w.window.from} .. ${w.window.to}\n` +
          `reference ${w.reference.dataset ?? '?'} v${w.reference.datasetVersion ?? '?'}; ` +
          `${w.driftedFeatures.length} drifted (share ${fmt(w.driftShare)}), dataset drift: ${w.datasetDrift ? 'yes' : 'no'}\n` +
          table(['FEATURE', 'KIND', 'TEST', 'SCORE', 'THRESHOLD', 'VERDICT'], rows),
      );
    });
};
