import { DEFAULT_SERVICE_PORTS } from '@keel/contracts';
import { serviceSettings } from '@keel/runtime';

/** Every KEEL_* variable the inference service reads (documented in docs/configuration.md). */
export const inferenceSettings = {
  ...serviceSettings('inference', DEFAULT_SERVICE_PORTS.inference),
};

export type InferenceSettings = typeof inferenceSettings;
