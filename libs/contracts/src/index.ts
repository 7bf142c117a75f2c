// libs/contracts: Keel's wire contracts, no I/O. Events (zod schema, type, topic, version per event,
// one typed map by ce_type), the topic builder, default ports, the proto files of each gRPC package, and the
// generated proto types, one namespace per package (registryV1...).
export * from './ports';
export * from './version';
export * from './topics';
export * from './events';
export * from './grpc-packages';
export * from './generated';
