import { status } from '@grpc/grpc-js';
import { GrpcStatusError } from '@keel/runtime';
import { ArtifactError, ArtifactErrorCode } from '../artifacts/artifacts.errors';
import { DatasetError, DatasetErrorCode } from '../datasets/datasets.errors';
import { LineageError, LineageErrorCode } from '../lineage/lineage.errors';
import { ModelError, ModelErrorCode } from '../models/models.errors';
import { RunError, RunErrorCode } from '../runs/runs.errors';

// The registry's one error -> gRPC status mapper; each context's codes are switched exhaustively.

function datasetStatus(code: DatasetErrorCode): status {
  switch (code) {
    case DatasetErrorCode.InvalidArgument:
      return status.INVALID_ARGUMENT;
    case DatasetErrorCode.DatasetNotFound:
    case DatasetErrorCode.SnapshotNotFound:
      return status.NOT_FOUND;
    case DatasetErrorCode.DatasetExists:
    case DatasetErrorCode.SnapshotExists:
      return status.ALREADY_EXISTS;
  }
}

function runStatus(code: RunErrorCode): status {
  switch (code) {
    case RunErrorCode.InvalidArgument:
      return status.INVALID_ARGUMENT;
    case RunErrorCode.ExperimentNotFound:
    case RunErrorCode.RunNotFound:
    case RunErrorCode.ArtifactNotFound:
      return status.NOT_FOUND;
    case RunErrorCode.ExperimentExists:
    case RunErrorCode.ArtifactPathExists:
      return status.ALREADY_EXISTS;
    case RunErrorCode.RunAlreadyEnded:
    case RunErrorCode.ParamConflict:
      return status.FAILED_PRECONDITION;
  }
}

function modelStatus(code: ModelErrorCode): status {
  switch (code) {
    case ModelErrorCode.InvalidArgument:
      return status.INVALID_ARGUMENT;
    case ModelErrorCode.ModelNotFound:
    case ModelErrorCode.VersionNotFound:
    case ModelErrorCode.AliasNotFound:
    case ModelErrorCode.RunNotFound:
    case ModelErrorCode.ArtifactNotFound:
      return status.NOT_FOUND;
    case ModelErrorCode.ModelExists:
      return status.ALREADY_EXISTS;
    case ModelErrorCode.VersionArchived:
    case ModelErrorCode.VersionHasAliases:
      return status.FAILED_PRECONDITION;
    case ModelErrorCode.AliasConflict:
      return status.ABORTED;
  }
}

function artifactStatus(code: ArtifactErrorCode): status {
  switch (code) {
    case ArtifactErrorCode.InvalidArgument:
    case ArtifactErrorCode.DigestMismatch:
    case ArtifactErrorCode.SizeMismatch:
      return status.INVALID_ARGUMENT;
    case ArtifactErrorCode.NotFound:
      return status.NOT_FOUND;
    case ArtifactErrorCode.Corrupted:
      return status.DATA_LOSS;
    case ArtifactErrorCode.StoreUnavailable:
      return status.UNAVAILABLE;
  }
}

function lineageStatus(code: LineageErrorCode): status {
  switch (code) {
    case LineageErrorCode.InvalidArgument:
      return status.INVALID_ARGUMENT;
    case LineageErrorCode.SnapshotNotFound:
      return status.NOT_FOUND;
  }
}

/** Maps any registry context error to its gRPC status, keeping the message and the offending field. */
export function registryErrorMapper(err: unknown): GrpcStatusError | undefined {
  if (err instanceof DatasetError) return new GrpcStatusError(datasetStatus(err.code), err.message, err.field);
  if (err instanceof RunError) return new GrpcStatusError(runStatus(err.code), err.message, err.field);
  if (err instanceof ModelError) return new GrpcStatusError(modelStatus(err.code), err.message, err.field);
  if (err instanceof LineageError) return new GrpcStatusError(lineageStatus(err.code), err.message, err.field);
  if (err instanceof ArtifactError) return new GrpcStatusError(artifactStatus(err.code), err.message, err.field);
  return undefined;
}
