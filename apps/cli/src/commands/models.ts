// `keel models list|versions|show|promote|rollback|download`: registered models, their versions with
// metrics, lineage and gate decision, and production moves through the training service's gate.
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { downloadTo } from '@keel/clients';
import type { registryV1 } from '@keel/contracts';
import type { Command } from 'commander';
import type { RegisterCommand } from './command';
import { registerModelsPolicy } from './models-policy';
import { usageError } from './monitoring-client';
import { withRegistry, withTraining } from './train-client';
import { table } from './train-jobs';

const print = (json: boolean | undefined, value: unknown, text: string): void => {
  process.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : text);
};
const iso = (ms: number): string => new Date(ms).toISOString();

function versionFlag(text: string | undefined): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw usageError(`--version must be a version number >= 1, got "${text}"`);
  return n;
}

/** One version in `--json` output (docs/cli.md). */
export function versionItem(v: registryV1.ModelVersion__Output, run: registryV1.Run__Output | null) {
  const tags = Object.fromEntries(v.tags.map((t) => [t.key, t.value]));
  const record = tags['keel.gate.record'];
  let gate: unknown = null;
  if (record) {
    try {
      gate = JSON.parse(record) as unknown;
    } catch {
      gate = { decision: tags['keel.gate.decision'], reasons: tags['keel.gate.reasons'] };
    }
  }
  return {
    model: v.model,
    version: v.version,
    aliases: v.aliases,
    status: v.status.replace('MODEL_VERSION_STATUS_', '').toLowerCase(),
    createdAt: iso(v.createdAtMs),
    artifactSha256: v.artifactSha256,
    signature: {
      inputs: (v.signature?.inputs ?? []).map((i) => ({ name: i.name, datatype: i.datatype })),
      outputs: (v.signature?.outputs ?? []).map((i) => ({ name: i.name, datatype: i.datatype })),
    },
    metrics: run ? Object.fromEntries(run.latestMetrics.map((m) => [m.key, m.value])) : {},
    lineage: {
      dataset: tags['keel.dataset'] ?? null,
      datasetVersion: tags['keel.dataset_version'] ? Number(tags['keel.dataset_version']) : null,
      snapshotSha256: v.snapshotSha256,
      runId: v.runId,
      jobId: tags['keel.job_id'] ?? null,
      params: run ? Object.fromEntries(run.params.map((p) => [p.key, p.value])) : {},
      seed: tags['keel.seed'] ? Number(tags['keel.seed']) : null,
      codeVersion: tags['keel.code_version'] ?? null,
    },
    gate,
  };
}

export const registerModels: RegisterCommand = (program: Command) => {
  const models = program
    .command('models')
    .description('registered models: list, versions, show, promote, rollback, download');
  registerModelsPolicy(models);
  models
    .command('list')
    .description('registered models with their latest version and aliases')
    .option('--json', 'print a JSON array')
    .action(async (o: { json?: boolean }) => {
      const res = await withRegistry((r) => r.models.ListRegisteredModels({ page: { pageSize: 1000 } }));
      const items = res.models.map((m) => ({
        name: m.name,
        latestVersion: m.latestVersion,
        aliases: Object.fromEntries(m.aliases.map((a) => [a.alias, a.version])),
        updatedAt: iso(m.updatedAtMs),
      }));
      print(
        o.json,
        items,
        items.length === 0
          ? 'no models\n'
          : table(
              ['MODEL', 'LATEST', 'PRODUCTION', 'UPDATED'],
              items.map((m) => [
                m.name,
                `v${m.latestVersion}`,
                m.aliases['production'] ? `v${m.aliases['production']}` : '-',
                m.updatedAt,
              ]),
            ),
      );
    });
  models
    .command('versions <model>')
    .description('versions of a model, newest first, with test AUC and gate decision')
    .option('--json', 'print a JSON array')
    .action(async (model: string, o: { json?: boolean }) => {
      const items = await withRegistry(async (r) => {
        const res = await r.models.ListModelVersions({ model, page: { pageSize: 1000 } });
        return Promise.all(
          res.versions.map(async (v) => versionItem(v, v.runId ? await r.runs.GetRun({ runId: v.runId }) : null)),
        );
      });
      print(
        o.json,
        items,
        table(
          ['VERSION', 'ALIASES', 'CREATED', 'DATASET', 'TEST AUC', 'GATE'],
          items.map((v) => [
            `v${v.version}`,
            v.aliases.join(',') || '-',
            v.createdAt,
            v.lineage.dataset ? `${v.lineage.dataset} v${v.lineage.datasetVersion}` : '-',
            v.metrics['test_auc'] !== undefined ? v.metrics['test_auc'].toFixed(4) : '-',
            (v.gate as { promoted?: boolean } | null)?.promoted === undefined
              ? '-'
              : (v.gate as { promoted: boolean }).promoted
                ? 'promoted'
                : 'rejected',
          ]),
        ),
      );
    });
  models
    .command('show <model>')
    .description('one version: metrics, lineage, gate decision')
    .requiredOption('--version <v>', 'the version')
    .option('--json', 'print as JSON')
    .action(async (model: string, o: { version: string; json?: boolean }) => {
      const version = versionFlag(o.version);
      const item = await withRegistry(async (r) => {
        const v = await r.models.GetModelVersion({ model, version });
        return versionItem(v, v.runId ? await r.runs.GetRun({ runId: v.runId }) : null);
      });
      const text = [
        `model        ${item.model} v${item.version} ${item.aliases.length ? `(${item.aliases.join(', ')})` : ''}`,
        `artifact     ${item.artifactSha256}`,
        `dataset      ${item.lineage.dataset ?? '-'} v${item.lineage.datasetVersion ?? '-'} (${item.lineage.snapshotSha256})`,
        `run          ${item.lineage.runId}  seed ${item.lineage.seed ?? '-'}  code ${item.lineage.codeVersion ?? '-'}`,
        `params       ${JSON.stringify(item.lineage.params)}`,
        ...Object.entries(item.metrics).map(([k, v]) => `  ${k.padEnd(22)} ${v.toFixed(4)}`),
        `gate         ${JSON.stringify(item.gate)}`,
      ];
      print(o.json, item, `${text.join('\n')}\n`);
    });
  models
    .command('promote <model>')
    .description('move production to a version through the champion/challenger gate')
    .requiredOption('--version <v>', 'the challenger version')
    .option('--force', 'promote even if the gate refuses (recorded on the version)')
    .option('--json', 'print the decision as JSON')
    .action(async (model: string, o: { version: string; force?: boolean; json?: boolean }) => {
      const version = versionFlag(o.version);
      const res = await withTraining((c) =>
        c.promotion.Promote({ model, version, force: o.force === true, actor: process.env['USER'] ?? 'cli' }),
      );
      const d = res.decision!;
      const item = {
        model,
        version,
        promoted: d.promoted,
        forced: d.forced,
        reasons: d.reasons,
        fromVersion: res.fromVersion || null,
        toVersion: res.toVersion || null,
        comparison: {
          metric: d.metric,
          challenger: d.challengerValue,
          champion: d.championVersion ? d.championValue : null,
          rows: Number(d.rows),
        },
      };
      print(
        o.json,
        item,
        `${model} v${version}: ${d.promoted ? `promoted to production${d.forced ? ' (forced)' : ''}` : 'not promoted'}\n` +
          d.reasons.map((r) => `  - ${r}\n`).join(''),
      );
      if (!d.promoted) process.exitCode = 1;
    });
  models
    .command('rollback <model>')
    .description('move production back to the version it pointed to before')
    .option('--json', 'print as JSON')
    .action(async (model: string, o: { json?: boolean }) => {
      const res = await withTraining((c) => c.promotion.Rollback({ model, actor: process.env['USER'] ?? 'cli' }));
      print(
        o.json,
        { model, fromVersion: res.fromVersion, toVersion: res.toVersion },
        `${model}: production v${res.fromVersion} -> v${res.toVersion}\n`,
      );
    });
  models
    .command('download <model>')
    .description("download a version's ONNX model (sha256 checked)")
    .option('--version <v>', 'the version')
    .option('--alias <a>', 'the version an alias points to, e.g. production')
    .requiredOption('--out <file.onnx>', 'where to write it')
    .option('--json', 'print what was written as JSON')
    .action(async (model: string, o: { version?: string; alias?: string; out: string; json?: boolean }) => {
      if ((o.version === undefined) === (o.alias === undefined))
        throw usageError('give exactly one of --version or --alias');
      const res = await withRegistry(async (r) => {
        const v =
          o.version !== undefined
            ? await r.models.GetModelVersion({ model, version: versionFlag(o.version) })
            : await r.models.GetModelVersionByAlias({ model, alias: o.alias! });
        await mkdir(dirname(o.out), { recursive: true });
        const file = createWriteStream(o.out);
        const got = await downloadTo(r.artifacts.raw, v.artifactSha256, (chunk) => file.write(chunk));
        await new Promise<void>((ok, fail) => file.end((err?: Error | null) => (err ? fail(err) : ok())));
        return { model, version: v.version, sha256: got.sha256, size: got.size, out: o.out };
      });
      print(o.json, res, `${res.out}: ${model} v${res.version} (${res.size} bytes, sha256 ${res.sha256})\n`);
    });
};
