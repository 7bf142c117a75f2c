#!/usr/bin/env node
// Validates rendered Kubernetes manifests (a multi-document YAML file, or stdin) against the Kubernetes
// OpenAPI schemas shipped by `kubernetes-models`, and Strimzi KafkaTopic objects against the fields of
// the Strimzi CRD that Keel uses (kubernetes-models has no Strimzi types).
// Prints one JSON line { objects, problems } and exits 1 when there is any problem.
// Usage: kubectl kustomize deploy/k8s/overlays/prod | node tools/deploy/validate-k8s.mjs
// It is an ES module because kubernetes-models is ESM-only; tools/deploy/k8s.int-spec.ts runs it.
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;
const KAFKA_TOPIC = /^[a-zA-Z0-9._-]{1,249}$/;

/** The Strimzi kafka.strimzi.io/v1beta2 KafkaTopic fields Keel sets, checked by hand. */
export function validateKafkaTopic(o) {
  const problems = [];
  const spec = o.spec ?? {};
  if (!DNS_SUBDOMAIN.test(o.metadata?.name ?? '')) problems.push('/metadata/name: must be a DNS subdomain');
  if (!o.metadata?.labels?.['strimzi.io/cluster']) problems.push('/metadata/labels/strimzi.io~1cluster: required');
  const topicName = spec.topicName ?? o.metadata?.name;
  if (typeof topicName !== 'string' || !KAFKA_TOPIC.test(topicName)) problems.push('/spec/topicName: invalid topic');
  for (const key of ['partitions', 'replicas']) {
    if (!Number.isInteger(spec[key]) || spec[key] < 1) problems.push(`/spec/${key}: must be an integer >= 1`);
  }
  if (spec.replicas > 32767) problems.push('/spec/replicas: must be <= 32767');
  if (spec.config !== undefined && (typeof spec.config !== 'object' || Array.isArray(spec.config))) {
    problems.push('/spec/config: must be an object');
  }
  const minIsr = spec.config?.['min.insync.replicas'];
  if (minIsr !== undefined && (!Number.isInteger(minIsr) || minIsr > spec.replicas)) {
    problems.push('/spec/config/min.insync.replicas: must be an integer <= spec.replicas');
  }
  const known = new Set(['topicName', 'partitions', 'replicas', 'config']);
  for (const key of Object.keys(spec)) if (!known.has(key)) problems.push(`/spec/${key}: unknown field`);
  return problems;
}

async function validateObject(o) {
  const where = `${o?.kind ?? '?'}/${o?.metadata?.name ?? '?'}`;
  if (typeof o?.apiVersion !== 'string' || typeof o?.kind !== 'string') {
    return [`${where}: apiVersion and kind are required`];
  }
  if (o.apiVersion === 'kafka.strimzi.io/v1beta2' && o.kind === 'KafkaTopic') {
    return validateKafkaTopic(o).map((p) => `${where}: ${p}`);
  }
  let Model;
  try {
    Model = (await import(`kubernetes-models/${o.apiVersion}/${o.kind}`))[o.kind];
  } catch {
    return [`${where}: no Kubernetes schema for ${o.apiVersion} ${o.kind}`];
  }
  try {
    new Model(o).validate();
    return [];
  } catch (err) {
    const errors = err.errors ?? [{ instancePath: '', message: err.message }];
    return errors.map((e) => `${where}: ${e.instancePath || '/'}: ${e.message}`);
  }
}

const input = readFileSync(process.argv[2] ?? 0, 'utf8');
const objects = [];
const problems = [];
for (const doc of parseAllDocuments(input)) {
  if (doc.errors.length > 0) {
    problems.push(...doc.errors.map((e) => `YAML: ${e.message}`));
    continue;
  }
  const o = doc.toJS();
  if (o === null) continue;
  objects.push({ apiVersion: o.apiVersion, kind: o.kind, name: o.metadata?.name });
  problems.push(...(await validateObject(o)));
}
process.stdout.write(JSON.stringify({ objects, problems }) + '\n');
process.exitCode = problems.length > 0 ? 1 : 0;
