import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { WORKSPACE_ROOT } from '@keel/testing';

// The monitoring service's alert rules are unit-tested by promtool against the series the service
// exports, and its Grafana dashboard only queries those series through the provisioned datasource.
describe('monitoring alert rules and dashboard', () => {
  it('should pass promtool rule unit tests', () => {
    const out = execFileSync('promtool', ['test', 'rules', 'deploy/prometheus/tests/keel-monitoring.test.yml'], {
      cwd: WORKSPACE_ROOT,
      encoding: 'utf8',
    });
    expect(out).toContain('SUCCESS');
  });

  it('should chart only keel_monitoring_* series from the Prometheus datasource', () => {
    const dashboard = JSON.parse(
      readFileSync(join(WORKSPACE_ROOT, 'deploy/grafana/dashboards/keel-monitoring.json'), 'utf8'),
    ) as { panels: { datasource: { uid: string }; targets: { expr: string }[] }[] };
    expect(dashboard.panels.length).toBeGreaterThanOrEqual(8);
    for (const p of dashboard.panels) {
      expect(p.datasource.uid).toBe('prometheus');
      for (const t of p.targets) expect(t.expr).toMatch(/keel_monitoring_/);
    }
  });
});
