export * from './random';
export * from './csv';
