import { DEFAULT_SERVICE_PORTS } from '@keel/contracts';
import { serviceSettings } from '@keel/runtime';

/** Every KEEL_* variable the training service reads (documented in docs/configuration.md). */
export const trainingSettings = {
  ...serviceSettings('training', DEFAULT_SERVICE_PORTS.training),
};

export type TrainingSettings = typeof trainingSettings;
