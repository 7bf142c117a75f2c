import type { registryV1 } from '@keel/contracts';
import type { AliasChangeRow, AliasRow, ModelFormatName, VersionStatusName } from './models.entities';
import { modelInput } from './models.errors';
import type { ModelView, VersionView } from './models.repository';

// Wire <-> domain for keel.registry.v1.ModelService.

export function formatFromProto(value: string): ModelFormatName {
  switch (value) {
    case 'MODEL_FORMAT_ONNX':
      return 'onnx';
    case 'MODEL_FORMAT_KEEL_JSON':
      return 'keel-json';
    default:
      return modelInput.fail('format', 'must be MODEL_FORMAT_ONNX or MODEL_FORMAT_KEEL_JSON');
  }
}

export function formatToProto(format: ModelFormatName): registryV1.ModelFormat {
  return format === 'onnx' ? 'MODEL_FORMAT_ONNX' : 'MODEL_FORMAT_KEEL_JSON';
}

/** A ListModelVersions status filter; UNSPECIFIED means every status. */
export function statusFilterFromProto(value: string): VersionStatusName | undefined {
  switch (value) {
    case 'MODEL_VERSION_STATUS_UNSPECIFIED':
      return undefined;
    case 'MODEL_VERSION_STATUS_READY':
      return 'READY';
    case 'MODEL_VERSION_STATUS_ARCHIVED':
      return 'ARCHIVED';
    default:
      return modelInput.fail('status', 'must be a ModelVersionStatus');
  }
}

export const aliasToProto = (a: AliasRow): registryV1.Alias => ({
  alias: a.alias,
  version: a.version,
  revision: a.revision,
  updatedAtMs: a.updatedAt,
});

export const aliasChangeToProto = (c: AliasChangeRow): registryV1.AliasChange => ({
  alias: c.alias,
  fromVersion: c.fromVersion ?? 0,
  toVersion: c.toVersion ?? 0,
  revision: c.revision,
  reason: c.reason,
  actor: c.actor,
  atMs: c.at,
});

export function modelToProto(m: ModelView): registryV1.RegisteredModel {
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

export function versionToProto(v: VersionView): registryV1.ModelVersion {
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
