// libs/ml: pure computation on typed arrays (no I/O, no Nest, no Kafka, no TypeORM).
export * from './core';
export * from './learn';
export * from './drift';
