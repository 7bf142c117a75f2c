import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { WORKSPACE_ROOT } from '@keel/testing';
import { DEFAULT_SERVICE_PORTS, TOPICS, deadLetterTopic } from '@keel/contracts';

// The kustomize overlays are rendered by the real kubectl and every object is validated against the
// Kubernetes OpenAPI schemas (kubernetes-models, run by tools/deploy/validate-k8s.mjs because it is
// ESM-only); Strimzi KafkaTopics are checked by hand. Then the shape Keel relies on is asserted.
type K8sObject = { apiVersion: string; kind: string; metadata: { name: string; labels?: Record<string, string> } } & {
  spec: any;
  data?: Record<string, string>;
  stringData?: Record<string, string>;
};
type Validation = { objects: { kind: string; name: string }[]; problems: string[] };

const services = Object.keys(DEFAULT_SERVICE_PORTS) as (keyof typeof DEFAULT_SERVICE_PORTS)[];
const overlays = ['dev', 'prod'] as const;

function render(dir: string): string {
  return execFileSync('kubectl', ['kustomize', join(WORKSPACE_ROOT, dir)], { encoding: 'utf8' });
}

function validate(yaml: string): Validation {
  try {
    const out = execFileSync('node', [join(WORKSPACE_ROOT, 'tools/deploy/validate-k8s.mjs')], {
      input: yaml,
      encoding: 'utf8',
      cwd: WORKSPACE_ROOT,
    });
    return JSON.parse(out) as Validation;
  } catch (err) {
    const stdout = (err as { stdout?: string }).stdout;
    if (stdout) return JSON.parse(stdout) as Validation;
    throw err;
  }
}

const rendered = Object.fromEntries(overlays.map((o) => [o, render(`deploy/k8s/overlays/${o}`)])) as Record<
  (typeof overlays)[number],
  string
>;
const objects = (overlay: (typeof overlays)[number]) =>
  parseAllDocuments(rendered[overlay]).map((d) => d.toJS() as K8sObject);
const find = (objs: K8sObject[], kind: string, name: string) =>
  objs.find((o) => o.kind === kind && o.metadata.name === name);

describe('Kubernetes overlays', () => {
  it.each(overlays)('should render %s and pass the Kubernetes schemas', (overlay) => {
    const result = validate(rendered[overlay]);
    expect(result.problems).toEqual([]);
    const kinds = new Set(result.objects.map((o) => o.kind));
    for (const k of ['Namespace', 'ConfigMap', 'Deployment', 'Service', 'PodDisruptionBudget'])
      expect(kinds).toContain(k);
    expect(kinds).toContain('HorizontalPodAutoscaler');
    expect(kinds).toContain('KafkaTopic');
  });

  it('should report every schema violation when an object is broken', () => {
    const broken = rendered.dev
      .replace('containerPort: 8001', 'containerPort: "eight thousand"')
      .replace(/partitions: 12/, 'partitions: 0')
      .replace('kind: PodDisruptionBudget', 'kind: PodDisruptionBudgett');
    const { problems } = validate(broken);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^Deployment\/keel-inference: .*containerPort: must be integer/),
        expect.stringMatching(/^KafkaTopic\/.*: \/spec\/partitions: must be an integer >= 1/),
        expect.stringMatching(/no Kubernetes schema for policy\/v1 PodDisruptionBudgett/),
      ]),
    );
  });

  describe.each(overlays)('%s', (overlay) => {
    const objs = objects(overlay);

    it.each(services)('should probe, expose and size %s on the ports its config defaults to', (svc) => {
      const ports = DEFAULT_SERVICE_PORTS[svc];
      const deployment = find(objs, 'Deployment', `keel-${svc}`)!;
      const container = deployment.spec.template.spec.containers[0];
      const named = Object.fromEntries(
        container.ports.map((p: { name: string; containerPort: number }) => [p.name, p.containerPort]),
      );
      expect(named).toEqual({ grpc: ports.grpc, http: ports.http });
      expect(container.readinessProbe.httpGet.path).toBe('/readyz');
      expect(container.livenessProbe.httpGet.path).toBe('/healthz');
      expect(container.startupProbe.httpGet.path).toBe('/readyz');
      expect(container.resources.requests).toEqual({ cpu: expect.anything(), memory: expect.anything() });
      expect(container.resources.limits.memory).toBeDefined();
      const env = Object.fromEntries(container.env.map((e: { name: string; value?: string }) => [e.name, e.value]));
      expect(env[`KEEL_${svc.toUpperCase()}_HTTP_PORT`]).toBe(String(ports.http));
      expect(env[`KEEL_${svc.toUpperCase()}_GRPC_PORT`]).toBe(String(ports.grpc));
      expect(container.envFrom).toEqual([
        { configMapRef: { name: 'keel-config' } },
        { secretRef: { name: 'keel-secrets' } },
      ]);
      expect(deployment.spec.template.metadata.annotations['prometheus.io/port']).toBe(String(ports.http));
      const service = find(objs, 'Service', `keel-${svc}`)!;
      expect(service.spec.selector).toEqual(deployment.spec.selector.matchLabels);
      const pdb = find(objs, 'PodDisruptionBudget', `keel-${svc}`)!;
      expect(pdb.spec.selector.matchLabels).toEqual(deployment.spec.selector.matchLabels);
    });

    it('should scale inference with its HorizontalPodAutoscaler only', () => {
      const hpa = find(objs, 'HorizontalPodAutoscaler', 'keel-inference')!;
      expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'keel-inference' });
      expect(hpa.spec.maxReplicas).toBeGreaterThan(hpa.spec.minReplicas);
      // A fixed replica count would fight the autoscaler on every apply.
      expect(find(objs, 'Deployment', 'keel-inference')!.spec.replicas).toBeUndefined();
    });

    it('should define a KafkaTopic, and its dead-letter twin, for every fixed topic', () => {
      const topics = objs.filter((o) => o.kind === 'KafkaTopic');
      const names = topics.map((t) => t.spec.topicName as string).sort();
      const fixed = Object.values(TOPICS);
      expect(names).toEqual([...fixed, ...fixed.map((t) => deadLetterTopic(t))].sort());
      const byName = Object.fromEntries(topics.map((t) => [t.spec.topicName as string, t.spec]));
      for (const t of topics) expect(t.metadata.labels?.['strimzi.io/cluster']).toBe('keel');
      expect(byName[TOPICS.inferenceLogged].partitions).toBeGreaterThanOrEqual(12);
      expect(byName[TOPICS.feedback].partitions).toBe(byName[TOPICS.inferenceLogged].partitions);
      expect(byName[TOPICS.trainingRequested].partitions).toBeGreaterThanOrEqual(6);
      const expectedReplicas = overlay === 'dev' ? 1 : 3;
      for (const t of topics) expect(t.spec.replicas).toBe(expectedReplicas);
    });

    it('should give consumer groups at least as many partitions as replicas', () => {
      const config = find(objs, 'ConfigMap', 'keel-config')!.data!;
      const ingestReplicas = find(objs, 'Deployment', 'keel-ingestion')!.spec.replicas ?? 1;
      expect(Number(config['KEEL_KAFKA_TOPIC_PARTITIONS'])).toBeGreaterThanOrEqual(ingestReplicas);
      const trainingReplicas = find(objs, 'Deployment', 'keel-training')!.spec.replicas ?? 1;
      const requested = objs.find((o) => o.kind === 'KafkaTopic' && o.spec.topicName === TOPICS.trainingRequested)!;
      expect(requested.spec.partitions).toBeGreaterThanOrEqual(trainingReplicas);
    });
  });

  it('should use only settings the services document', () => {
    const documented = readFileSync(join(WORKSPACE_ROOT, 'docs/configuration.md'), 'utf8');
    const dev = objects('dev');
    const keys = [
      ...Object.keys(find(dev, 'ConfigMap', 'keel-config')!.data!),
      ...Object.keys(find(dev, 'Secret', 'keel-secrets')!.stringData!),
    ];
    expect(keys.length).toBeGreaterThan(10);
    for (const key of keys.filter((k) => k.startsWith('KEEL_'))) expect(documented).toContain(`\`${key}\``);
    for (const key of keys.filter((k) => k.startsWith('OTEL_'))) {
      expect(key).toMatch(
        /^OTEL_(EXPORTER_OTLP_ENDPOINT|EXPORTER_OTLP_PROTOCOL|TRACES_SAMPLER(_ARG)?|RESOURCE_ATTRIBUTES)$/,
      );
    }
  });

  it('should ship placeholder secrets in dev only and expect keel-secrets to exist in prod', () => {
    expect(
      objects('dev')
        .filter((o) => o.kind === 'Secret')
        .map((o) => o.metadata.name),
    ).toEqual(['keel-secrets']);
    expect(objects('prod').filter((o) => o.kind === 'Secret')).toEqual([]);
    expect(find(objects('prod'), 'Deployment', 'keel-ingestion')!.spec.replicas).toBeGreaterThan(1);
  });

  it('should point dev at the PostgreSQL, MinIO and Jaeger Services it deploys', () => {
    const dev = objects('dev');
    const config = find(dev, 'ConfigMap', 'keel-config')!.data!;
    const secret = find(dev, 'Secret', 'keel-secrets')!.stringData!;
    const hosts = [config['KEEL_S3_ENDPOINT'], config['OTEL_EXPORTER_OTLP_ENDPOINT'], secret['KEEL_DATABASE_URL']].map(
      (url) => new URL(url!),
    );
    for (const url of hosts) {
      const service = find(dev, 'Service', url.hostname);
      expect(service).toBeDefined();
      expect(service!.spec.ports.map((p: { port: number }) => String(p.port))).toContain(url.port);
      expect(find(dev, 'Deployment', url.hostname)).toBeDefined();
    }
    const job = find(dev, 'Job', 'minio-create-bucket')!;
    expect(job.spec.template.spec.containers[0].args[0]).toContain('mc mb --ignore-existing "dev/$KEEL_S3_BUCKET"');
    expect(find(objects('prod'), 'Deployment', 'postgres')).toBeUndefined();
  });

  it('should list every service manifest in the base kustomization', () => {
    const k = parse(readFileSync(join(WORKSPACE_ROOT, 'deploy/k8s/base/kustomization.yaml'), 'utf8')) as {
      resources: string[];
    };
    expect(k.resources).toEqual(expect.arrayContaining(services.map((s) => `${s}.yaml`)));
  });

  it('should keep the ingest topic example valid', () => {
    const example = readFileSync(join(WORKSPACE_ROOT, 'deploy/k8s/examples/ingest-topic.yaml'), 'utf8');
    const result = validate(example);
    expect(result.problems).toEqual([]);
    expect(result.objects.map((o) => o.name)).toEqual(['keel-ingest-churn', 'keel-ingest-churn-dlq']);
  });
});
