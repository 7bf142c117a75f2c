import { serviceSettings } from '@keel/runtime';

/** Every KEEL_* variable the registry service reads (documented in docs/configuration.md). */
export const registrySettings = {
  ...serviceSettings('registry', { grpc: 50051, http: 9101 }),
};

export type RegistrySettings = typeof registrySettings;
