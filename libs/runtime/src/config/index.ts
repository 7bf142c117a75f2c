export * from './settings';
export * from './load-config';
export * from './service-settings';
