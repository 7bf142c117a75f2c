import type { Alias, AliasChange, ModelVersion, RegisteredModel } from '@keel/contracts';
import { formatToProto } from './model-inputs';
import type { AliasChangeRow, AliasRow } from './model.entities';
import type { ModelView, VersionView } from './models.repository';

export const aliasToProto = (a: AliasRow): Alias => ({
  alias: a.alias,
  version: a.version,
  revision: a.revision,
  updatedAtMs: a.updatedAt,
});

export const aliasChangeToProto = (c: AliasChangeRow): AliasChange => ({
  alias: c.alias,
  fromVersion: c.fromVersion ?? 0,
  toVersion: c.toVersion ?? 0,
  revision: c.revision,
  reason: c.reason,
  actor: c.actor,
  atMs: c.at,
});

export function modelToProto(m: ModelView): RegisteredModel {
  return {
    name: m.name,
    description: m.description,
    tags: m.tags.map((t) => ({ key: t.key, value: t.value })),
    latestVersion: m.latestVersion,
    aliases: m.aliases.map(aliasToProto),
    createdAtMs: m.createdAt,
    updatedAtMs: m.updatedAt,
  };
}

export function versionToProto(v: VersionView): ModelVersion {
  return {
    model: v.modelName,
    version: v.version,
    runId: v.runId,
    snapshotSha256: v.snapshotSha256,
    artifactSha256: v.artifactSha256,
    artifactUri: v.artifactUri,
    format: formatToProto(v.format),
    signature: v.signature,
    description: v.description,
    tags: v.tags.map((t) => ({ key: t.key, value: t.value })),
    status: `MODEL_VERSION_STATUS_${v.status}`,
    aliases: v.aliases,
    createdAtMs: v.createdAt,
    archivedAtMs: v.archivedAt ?? 0,
  };
}
