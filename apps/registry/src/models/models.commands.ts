import type { ListQuery } from '@keel/domain';
import type { ModelFormatName, VersionStatusName } from './models.entities';

// What ModelsService and AliasesService accept: domain types the gRPC adapter builds from the wire messages.

export interface KeyValueInput {
  key: string;
  value: string;
}

export interface TensorInput {
  name: string;
  datatype: string;
  shape: number[];
}

export interface SignatureInput {
  inputs: TensorInput[];
  outputs: TensorInput[];
}

export interface CreateModelCommand {
  name: string;
  description: string;
  tags: KeyValueInput[];
}

/** Empty description: keep it; a tag with an empty value removes the tag. */
export type UpdateModelCommand = CreateModelCommand;

export interface ListModelsQuery extends ListQuery {
  namePrefix: string;
  tags: KeyValueInput[];
}

export interface CreateVersionCommand {
  model: string;
  runId: string;
  snapshotSha256: string;
  artifactSha256: string;
  /** Empty: the artifact store's URI of artifactSha256. */
  artifactUri: string;
  format: ModelFormatName;
  signature: SignatureInput | null;
  description: string;
  tags: KeyValueInput[];
}

export interface UpdateVersionCommand {
  model: string;
  version: number;
  description: string;
  tags: KeyValueInput[];
}

export interface ListVersionsQuery extends ListQuery {
  model: string;
  /** Unset: every status. */
  status?: VersionStatusName;
  runId: string;
}

export interface SetAliasCommand {
  model: string;
  alias: string;
  version: number;
  /** Compare-and-set: 0 when the alias must not exist yet; unset moves it unconditionally. */
  expectedRevision?: number;
  reason: string;
  actor: string;
}

export interface DeleteAliasCommand {
  model: string;
  alias: string;
  expectedRevision?: number;
  reason: string;
  actor: string;
}

export interface AliasHistoryQuery extends ListQuery {
  model: string;
  /** Empty: every alias of the model. */
  alias: string;
}
