// libs/testing: start real brokers and services on free ports with temp data dirs, and poll for outcomes.
export * from './ports';
export * from './wait-for';
export * from './grpc-health';
export * from './service-process';
export * from './grpc-reflection';
export * from './broker';
export * from './platform';
