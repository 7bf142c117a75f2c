export * from './principal';
export * from './scopes';
export * from './auth-settings';
export * from './token-verifier';
export * from './auth-gate';
export * from './grpc-auth';
export * from './http-auth';
export * from './policy-change';
