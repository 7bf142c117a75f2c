// `keel monitor list|show <model>|set <model> ...`: what each production model is monitored with.
import type { monitoringV1 } from '@keel/contracts';
import type { Command } from 'commander';
import { collect } from './drift-options';
import type { RegisterCommand } from './command';
import { printJson, table, withMonitoring } from './monitoring-client';
import { setMonitorRequest, type MonitorSetFlags } from './monitor-options';

/** The monitor as `--json` prints it (keel.monitoring.v1 Monitor, settings flattened to plain JSON). */
export function monitorItem(m: monitoringV1.Monitor__Output) {
  const s = m.settings!;
  return {
    model: m.model,
    version: m.version || null,
    active: m.active,
    note: m.note,
    dataset: m.dataset || null,
    datasetVersion: m.datasetVersion || null,
    referenceSnapshotSha256: m.referenceSha256 || null,
    features: m.features,
    pendingRows: m.pendingRows,
    windowsClosed: m.windowsClosed,
    predictions: m.predictions,
    firingAlerts: m.firingAlerts,
    overridden: m.overridden,
    settings: {
      window: s.windowSize > 0 ? { rows: s.windowSize } : { seconds: s.windowSeconds },
      sliding: s.sliding,
      slidePanes: s.slidePanes,
      driftShare: s.driftShare,
      features: Object.fromEntries(
        s.features.map((f) => [f.feature, { test: f.test || undefined, threshold: f.threshold }]),
      ),
      skipFeatures: s.skipFeatures,
      predictionDrift: s.predictionDrift,
      performance: {
        metric: s.performanceMetric,
        tolerance: s.performanceTolerance,
        window: s.performanceWindow,
        baseline: s.performanceBaseline ?? null,
      },
      alertCooldownSeconds: s.alertCooldownSeconds,
      retrainOn: s.retrainOn,
      retrainCooldownSeconds: s.retrainCooldownSeconds,
      webhookUrl: s.webhookUrl || null,
    },
  };
}

type MonitorItem = ReturnType<typeof monitorItem>;

function windowText(m: MonitorItem): string {
  const w = m.settings.window;
  const size = 'rows' in w ? `${w.rows} rows` : `${w.seconds} s`;
  return `${size}${m.settings.sliding ? ` sliding/${m.settings.slidePanes}` : ''}`;
}

function showText(m: MonitorItem): string {
  const lines = [
    `model          ${m.model}`,
    `version        ${m.version ?? '- (no production alias)'}`,
    `state          ${m.active ? 'monitoring' : m.note || 'idle'}`,
    `reference      ${m.dataset ? `${m.dataset} v${m.datasetVersion} (${m.referenceSnapshotSha256?.slice(0, 12)})` : '-'}`,
    `window         ${windowText(m)}, ${m.pendingRows} rows pending, ${m.windowsClosed} closed`,
    `drift share    ${m.settings.driftShare}`,
    `features       ${m.features.join(', ') || '-'}`,
    `skipped        ${m.settings.skipFeatures.join(', ') || '-'}`,
    `overrides      ${
      Object.entries(m.settings.features)
        .map(([f, o]) => `${f}: ${[o.test, o.threshold].filter((x) => x !== undefined).join(' ')}`)
        .join('; ') || '-'
    }`,
    `performance    ${m.settings.performance.metric} within ${m.settings.performance.tolerance} of ${m.settings.performance.baseline ?? 'the training metric'}, windows of ${m.settings.performance.window} labels`,
    `retrain on     ${m.settings.retrainOn.join(', ') || 'never'} (cooldown ${m.settings.retrainCooldownSeconds} s)`,
    `alerts         ${m.firingAlerts} firing, cooldown ${m.settings.alertCooldownSeconds} s`,
    `set here       ${m.overridden.join(', ') || '(defaults)'}`,
  ];
  return lines.join('\n') + '\n';
}

export const registerMonitor: RegisterCommand = (program: Command) => {
  const monitor = program.command('monitor').description('drift and performance monitors of production models');
  monitor
    .command('list')
    .description('every monitored model')
    .option('--json', 'print a JSON array')
    .action(async (o: { json?: boolean }) => {
      const res = (await withMonitoring((c) =>
        c.monitors.ListMonitors({}),
      )) as monitoringV1.ListMonitorsResponse__Output;
      const items = res.monitors.map(monitorItem);
      if (o.json) return printJson(items);
      process.stdout.write(
        items.length === 0
          ? 'no model has a production alias yet\n'
          : table(
              ['MODEL', 'VERSION', 'STATE', 'WINDOW', 'PENDING', 'WINDOWS', 'FIRING'],
              items.map((m) => [
                m.model,
                String(m.version ?? '-'),
                m.active ? 'monitoring' : m.note,
                windowText(m),
                String(m.pendingRows),
                String(m.windowsClosed),
                String(m.firingAlerts),
              ]),
            ),
      );
    });
  monitor
    .command('show <model>')
    .description("one model's monitor: settings, reference, window")
    .option('--json', 'print JSON')
    .action(async (model: string, o: { json?: boolean }) => {
      const m = monitorItem(
        (await withMonitoring((c) => c.monitors.GetMonitor({ model }))) as monitoringV1.Monitor__Output,
      );
      if (o.json) printJson(m);
      else process.stdout.write(showText(m));
    });
  monitor
    .command('set <model>')
    .description("override a model's monitor settings (the rest keep the service defaults)")
    .option('--window-size <rows>', 'rows per window')
    .option('--window-seconds <s>', 'seconds per window')
    .option('--sliding', 'slide the window by 1/panes of it')
    .option('--tumbling', 'back-to-back windows')
    .option('--panes <n>', 'panes of a sliding window (default 4)')
    .option('--drift-share <x>', 'share of drifted features that makes dataset drift (default 0.5)')
    .option(
      '--test <feature=test>',
      'drift test of a feature: ks, wasserstein, jensen_shannon, psi, chi2, z',
      collect,
      [],
    )
    .option('--threshold <feature=x>', 'threshold of a feature (repeatable)', collect, [])
    .option('--skip <features>', 'comma-separated features not to test ("" for none)')
    .option('--prediction-drift <on|off>', 'test the positive-class probability too')
    .option('--metric <auc|accuracy|f1|log_loss>', 'performance metric watched')
    .option('--tolerance <x>', 'alert when the metric is this much worse than in training')
    .option('--performance-window <n>', 'labelled predictions per performance window')
    .option('--baseline <x>', 'the metric to hold windows against instead of the training run')
    .option('--cooldown <s>', 'seconds before a still-firing alert is sent again')
    .option('--retrain-on <list>', 'alerts that request retraining: drift, dataset_drift, performance or none')
    .option('--retrain-cooldown <s>', 'seconds between two retraining requests')
    .option('--webhook <url>', 'webhook for this model\'s alerts ("" to remove)')
    .option('--reset', 'drop every override first')
    .option('--json', 'print the resulting monitor as JSON')
    .action(async (model: string, f: MonitorSetFlags & { json?: boolean }) => {
      const req = setMonitorRequest(model, f);
      const m = monitorItem((await withMonitoring((c) => c.monitors.SetMonitor(req))) as monitoringV1.Monitor__Output);
      if (f.json) printJson(m);
      else process.stdout.write(showText(m));
    });
};
