import { JobRow, PromotionPolicyRow, TrainingPolicyRow } from './jobs/jobs.entities';
import { AddJobSearch1764400001000 } from './jobs/jobs-search.migration';
import { CreateTrainingTables1764400000000 } from './jobs/jobs.migration';
import { AddJobTraceContext1764400002000 } from './jobs/jobs-trace.migration';

/** The training service's own tables, in migration order. */
export const trainingEntities = [JobRow, TrainingPolicyRow, PromotionPolicyRow];
export const trainingMigrations = [
  CreateTrainingTables1764400000000,
  AddJobSearch1764400001000,
  AddJobTraceContext1764400002000,
];
