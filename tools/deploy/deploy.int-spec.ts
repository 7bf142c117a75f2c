import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { WORKSPACE_ROOT } from '@keel/testing';
import { DEFAULT_SERVICE_PORTS, SERVICE_NODE_OPTIONS, type ServiceName } from '@keel/contracts';

// The deployment files are checked by the real tools (Debian's docker-compose and Prometheus' promtool),
// and cross-checked against the services' default ports.
const httpPorts = Object.fromEntries(Object.entries(DEFAULT_SERVICE_PORTS).map(([s, p]) => [s, String(p.http)]));

describe('docker-compose.yml', () => {
  const config = execFileSync('docker-compose', ['-f', join(WORKSPACE_ROOT, 'docker-compose.yml'), 'config'], {
    encoding: 'utf8',
  });

  it('should parse and declare the five services with Kafka, PostgreSQL, Prometheus, Grafana and Jaeger', () => {
    const services = execFileSync(
      'docker-compose',
      ['-f', join(WORKSPACE_ROOT, 'docker-compose.yml'), 'config', '--services'],
      { encoding: 'utf8' },
    )
      .trim()
      .split('\n')
      .sort();
    expect(services).toEqual([
      'grafana',
      'inference',
      'ingestion',
      'jaeger',
      'kafka',
      'minio',
      'minio-init',
      'monitoring',
      'postgres',
      'prometheus',
      'registry',
      'training',
    ]);
    expect(config).toContain('KAFKA_PROCESS_ROLES: broker,controller');
    expect(config).toContain('KEEL_DATABASE_URL: postgres://keel:keel@postgres:5432/keel');
    expect(config).toContain('OTEL_EXPORTER_OTLP_ENDPOINT: http://jaeger:4318');
  });

  it('should store artifacts in MinIO with every S3 setting the registry needs, after the bucket exists', () => {
    const compose = parse(config) as {
      services: Record<string, { environment?: Record<string, string>; depends_on?: Record<string, unknown> }>;
    };
    const documented = readFileSync(join(WORKSPACE_ROOT, 'docs/configuration.md'), 'utf8');
    for (const svc of Object.keys(httpPorts)) {
      const { environment = {}, depends_on = {} } = compose.services[svc]!;
      expect(environment).toMatchObject({
        KEEL_ARTIFACT_BACKEND: 's3',
        KEEL_S3_ENDPOINT: 'http://minio:9000',
        KEEL_S3_BUCKET: 'keel-artifacts',
        KEEL_S3_FORCE_PATH_STYLE: 'true',
        KEEL_REGISTRY_ADDRESS: 'registry:50051',
      });
      expect(depends_on).toMatchObject({ 'minio-init': { condition: 'service_completed_successfully' } });
      for (const key of Object.keys(environment).filter((k) => k.startsWith('KEEL_'))) {
        expect(documented).toContain(`\`${key}\``);
      }
    }
    const minio = compose.services['minio'] as { environment: Record<string, string> };
    const env = compose.services['registry']!.environment!;
    expect(env['KEEL_S3_ACCESS_KEY_ID']).toBe(minio.environment['MINIO_ROOT_USER']);
    expect(env['KEEL_S3_SECRET_ACCESS_KEY']).toBe(minio.environment['MINIO_ROOT_PASSWORD']);
    expect(JSON.stringify(compose.services['minio-init'])).toContain('mb --ignore-existing local/keel-artifacts');
  });

  it('should build every app from the one Dockerfile when its APP argument is set', () => {
    for (const app of Object.keys(httpPorts)) expect(config).toMatch(new RegExp(`APP: ${app}\\n`));
    expect(readFileSync(join(WORKSPACE_ROOT, 'deploy/docker/Dockerfile'), 'utf8')).toContain('npx nx build "$APP"');
  });

  it("should build each app's image with the app's own Node options, as keel up and the benches start it", () => {
    const compose = parse(config) as { services: Record<string, { build: { args?: Record<string, string> } }> };
    for (const app of Object.keys(httpPorts) as ServiceName[])
      expect(compose.services[app]!.build.args?.['NODE_OPTIONS'] ?? '').toBe(SERVICE_NODE_OPTIONS[app]);
    expect(SERVICE_NODE_OPTIONS.inference).toContain('--max-semi-space-size=');
    // The runtime stage turns the argument into the image's environment.
    const runtime = readFileSync(join(WORKSPACE_ROOT, 'deploy/docker/Dockerfile'), 'utf8').split(' AS runtime')[1]!;
    expect(runtime).toMatch(/ARG NODE_OPTIONS=""\nENV NODE_OPTIONS=\$\{NODE_OPTIONS\}\n/);
  });
});

describe('Prometheus configuration', () => {
  it('should scrape every service on its default HTTP port', () => {
    const prom = readFileSync(join(WORKSPACE_ROOT, 'deploy/prometheus/prometheus.yml'), 'utf8');
    for (const [svc, port] of Object.entries(httpPorts)) expect(prom).toContain(`"${svc}:${port}"`);
  });

  it('should pass promtool for the config and its alert rules', () => {
    const dir = mkdtempSync(join(tmpdir(), 'keel-prom-'));
    const rules = join(WORKSPACE_ROOT, 'deploy/prometheus/rules');
    const prom = readFileSync(join(WORKSPACE_ROOT, 'deploy/prometheus/prometheus.yml'), 'utf8').replace(
      '/etc/prometheus/rules',
      rules,
    );
    writeFileSync(join(dir, 'prometheus.yml'), prom);
    const out = execFileSync('promtool', ['check', 'config', join(dir, 'prometheus.yml')], { encoding: 'utf8' });
    expect(out).toContain('SUCCESS');
    expect(out).toMatch(/SUCCESS: \d+ rules found/);
  });
});

describe('Grafana provisioning', () => {
  it('should provision the Prometheus datasource the dashboards use', () => {
    const ds = readFileSync(join(WORKSPACE_ROOT, 'deploy/grafana/provisioning/datasources/prometheus.yml'), 'utf8');
    expect(ds).toContain('uid: prometheus');
    const dashboard = JSON.parse(
      readFileSync(join(WORKSPACE_ROOT, 'deploy/grafana/dashboards/keel-services.json'), 'utf8'),
    ) as {
      panels: { datasource: { uid: string } }[];
    };
    expect(dashboard.panels.length).toBeGreaterThan(0);
    for (const p of dashboard.panels) expect(p.datasource.uid).toBe('prometheus');
  });
});
