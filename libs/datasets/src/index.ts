// libs/datasets: dataset schemas, record validation and coercion, CSV schema inference, the Parquet
// layout of snapshots and their profiles. Pure (no I/O): ingestion writes with it, training and
// monitoring read with it.
export * from './schema';
export * from './coerce';
export * from './accept-scan';
export * from './infer';
export * from './parquet';
export * from './profile';
export * from './manifest';
export * from './window';
