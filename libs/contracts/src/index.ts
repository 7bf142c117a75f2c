// libs/contracts: Keel's wire contracts, no I/O. Events (zod schema, type, topic, version per event,
// one typed map by ce_type), the topic builder, default ports, and generated proto types.
export * from './ports';
export * from './topics';
export * from './events';
export * from './generated';
