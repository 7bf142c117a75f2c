export * from './proto-files';
export * from './grpc-server-host';
export * from './grpc-errors';
export * from './grpc-handlers';
