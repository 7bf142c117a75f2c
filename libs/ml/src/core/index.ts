export * from './random';
export * from './csv';
export * from './missing';
