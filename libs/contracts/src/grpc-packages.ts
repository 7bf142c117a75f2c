/**
 * The proto files of each gRPC package (relative to proto/): what the serving app loads and what its
 * clients dial. A new package is one line here.
 */
export const GRPC_PACKAGE_PROTOS = {
  'keel.registry.v1': [
    'keel/registry/v1/datasets.proto',
    'keel/registry/v1/runs.proto',
    'keel/registry/v1/models.proto',
    'keel/registry/v1/lineage.proto',
    'keel/registry/v1/artifacts.proto',
    'keel/registry/v1/auth.proto',
    'keel/registry/v1/audit.proto',
  ],
  'keel.monitoring.v1': ['keel/monitoring/v1/monitoring.proto'],
  'keel.ingestion.v1': ['keel/ingestion/v1/ingestion.proto'],
  inference: ['inference/grpc_predict_v2.proto'],
  'keel.training.v1': ['keel/training/v1/training.proto'],
} as const satisfies Record<string, readonly string[]>;

export type GrpcPackage = keyof typeof GRPC_PACKAGE_PROTOS;
