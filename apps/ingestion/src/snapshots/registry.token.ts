/** Injection token of the RegistryAdapter (a port, so tests could hand in another registry address). */
export const REGISTRY = Symbol('INGESTION_REGISTRY');
