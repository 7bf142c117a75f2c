import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { WORKSPACE_ROOT } from '@keel/testing';

// The GitHub Actions workflows are parsed and checked for the keys GitHub requires, for staying in step
// with .ci/run, and (model-ci) for the public CLI shapes and for failing when the gate refuses.
interface Step {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
}
interface Job {
  'runs-on': string;
  'timeout-minutes'?: number;
  services?: Record<string, { image: string; env?: Record<string, string>; ports?: string[] }>;
  env?: Record<string, string>;
  steps: Step[];
}
interface Workflow {
  name: string;
  on: Record<string, unknown>;
  defaults?: { run?: { shell?: string } };
  permissions?: Record<string, string>;
  jobs: Record<string, Job>;
}

const read = (file: string) => readFileSync(join(WORKSPACE_ROOT, '.github/workflows', file), 'utf8');
const load = (file: string) => parse(read(file)) as Workflow;
const runs = (job: Job) => job.steps.map((s) => s.run ?? '').join('\n');

describe.each(['ci.yml', 'model-ci.yml'])('%s', (file) => {
  const workflow = load(file);

  it('should have the keys GitHub requires, pinned actions and bash with pipefail', () => {
    expect(typeof workflow.name).toBe('string');
    expect(Object.keys(workflow.on).length).toBeGreaterThan(0);
    expect(workflow.defaults?.run?.shell).toBe('bash');
    expect(workflow.permissions).toEqual({ contents: 'read' });
    for (const job of Object.values(workflow.jobs)) {
      expect(job['runs-on']).toMatch(/^ubuntu-/);
      expect(job['timeout-minutes']).toBeGreaterThan(0);
      expect(job.steps.length).toBeGreaterThan(0);
      for (const step of job.steps) {
        expect(Boolean(step.uses) !== Boolean(step.run)).toBe(true);
        if (step.uses) expect(step.uses).toMatch(/^actions\/[a-z-]+@v\d+$/);
      }
    }
  });

  it('should have run steps that bash can parse', () => {
    for (const job of Object.values(workflow.jobs)) {
      for (const step of job.steps.filter((s) => s.run)) {
        expect(() => execFileSync('bash', ['-n'], { input: step.run, stdio: ['pipe', 'pipe', 'pipe'] })).not.toThrow();
      }
    }
  });
});

describe('ci.yml', () => {
  const job = load('ci.yml').jobs['test']!;
  const ciRun = readFileSync(join(WORKSPACE_ROOT, '.ci/run'), 'utf8');

  it('should run on pushes to main and pull requests', () => {
    expect(Object.keys(load('ci.yml').on).sort()).toEqual(['pull_request', 'push']);
  });

  it('should run what .ci/run runs, against a PostgreSQL service container', () => {
    const postgres = job.services!['postgres']!;
    expect(postgres.image).toMatch(/^postgres:\d+/);
    expect(postgres.env).toMatchObject({ POSTGRES_HOST_AUTH_METHOD: 'trust', POSTGRES_DB: 'test' });
    expect(postgres.ports).toEqual(['5432:5432']);
    const url = /KEEL_TEST_DATABASE_URL="([^"]+)"/.exec(ciRun)![1];
    expect(job.env!['KEEL_TEST_DATABASE_URL']).toBe(url);
    const steps = runs(job);
    expect(steps).toContain('npm ci --no-audit --no-fund');
    expect(steps).toMatch(/^npm test$/m);
    expect(steps).toContain('pg_isready -h 127.0.0.1 -p 5432');
    // Every Debian package .ci/run installs, except chromium: the runner's Chrome stands in for it.
    const packages = /apt_packages=\(([^)]*)\)/.exec(ciRun)![1]!.trim().split(/\s+/);
    for (const p of packages.filter((p) => p !== 'chromium')) expect(steps).toMatch(new RegExp(`\\b${p}\\b`));
    expect(job.env!['KEEL_CHROMIUM']).toBeDefined();
    for (const v of ['CI', 'NX_DAEMON', 'NX_NO_CLOUD']) expect(ciRun).toContain(`${v}=${job.env![v]}`);
  });
});

describe('model-ci.yml', () => {
  const workflow = load('model-ci.yml');
  const job = workflow.jobs['train-gate-register']!;
  const steps = runs(job);

  it('should be started by hand with the dataset, its version and the model', () => {
    const inputs = (workflow.on['workflow_dispatch'] as { inputs: Record<string, { required: boolean }> }).inputs;
    expect(Object.keys(inputs).sort()).toEqual(['dataset', 'dataset_version', 'model']);
    expect(inputs['dataset']!.required).toBe(true);
    expect(inputs['model']!.required).toBe(true);
  });

  it('should train with the public CLI shape and reach the services through KEEL_* addresses', () => {
    expect(steps).toMatch(
      /npm run -s keel -- train --dataset "\$DATASET" .*\\\n\s+--algo gbdt --seed 42 --model "\$MODEL" --wait --json/,
    );
    expect(steps).toContain('--version "$DATASET_VERSION"');
    expect(Object.keys(job.env!)).toEqual(expect.arrayContaining(['KEEL_TRAINING_ADDRESS', 'KEEL_REGISTRY_ADDRESS']));
  });

  it('should fail the pipeline when the gate refuses', () => {
    const gate = job.steps.find((s) => s.run?.includes('models promote'))!;
    expect(gate.run).toContain('npm run -s keel -- models promote "$MODEL" --version "$MODEL_VERSION" --json');
    // Nothing may swallow the promote exit code: no `|| true`, no continue-on-error, no `if: always()`.
    expect(gate.run).not.toMatch(/\|\|/);
    expect(gate).not.toHaveProperty('continue-on-error');
    expect(gate.if).toBeUndefined();
    const index = job.steps.indexOf(gate);
    const train = job.steps.findIndex((s) => s.run?.includes('keel -- train'));
    expect(train).toBeGreaterThanOrEqual(0);
    expect(train).toBeLessThan(index);
  });
});
