export * from './settings';
export * from './load-config';
export * from './service-settings';
export * from './kafka-settings';
export * from './tls-settings';
