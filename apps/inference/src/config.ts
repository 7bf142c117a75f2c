import { serviceSettings } from '@keel/runtime';

/** Every KEEL_* variable the inference service reads (documented in docs/configuration.md). */
export const inferenceSettings = {
  ...serviceSettings('inference', { grpc: 8001, http: 8000 }),
};

export type InferenceSettings = typeof inferenceSettings;
