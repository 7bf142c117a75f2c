import { serviceSettings } from '@keel/runtime';

/** Every KEEL_* variable the training service reads (documented in docs/configuration.md). */
export const trainingSettings = {
  ...serviceSettings('training', { grpc: 50053, http: 9103 }),
};

export type TrainingSettings = typeof trainingSettings;
