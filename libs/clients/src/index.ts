// libs/clients: typed gRPC clients of Keel's services for apps, the CLI, tests and benches. Each call
// returns a promise and carries a deadline; streaming methods stay on `raw`. One folder per service.
export * from './grpc-client';
export * from './registry/registry-client';
export * from './registry/artifact-transfer';
export * from './monitoring/monitoring-client';
export * from './ingestion/ingestion-client';
export * from './inference/inference-client';
export * from './training/training-client';
export * from './registry/snapshot-reader';
export * from './registry/registry-token-verifier';
