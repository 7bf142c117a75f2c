export * from './principal';
export * from './policy-change';
