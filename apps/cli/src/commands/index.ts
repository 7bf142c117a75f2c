import type { RegisterCommand } from './command';
import { registerTrain } from './train';
import { registerUp } from './up';
import { registerDrift } from './drift';
import { registerDriftReport } from './drift-report';
import { registerMonitor } from './monitor';
import { registerAlerts } from './alerts';
import { registerAudit } from './audit';
import { registerStatus } from './status';
import { registerReference } from './reference';
import { registerDataset } from './dataset';
import { registerIngest } from './ingest';
import { registerPredict } from './predict';
import { registerJobs } from './jobs';
import { registerModels } from './models';
import { registerDemo } from './demo';
import { registerAuth } from './auth';

// One line per sub-command file.
export const commands: RegisterCommand[] = [
  registerUp,
  registerTrain,
  registerDrift,
  registerDriftReport,
  registerMonitor,
  registerAlerts,
  registerAudit,
  registerStatus,
  registerReference,
  registerDataset,
  registerIngest,
  registerPredict,
  registerJobs,
  registerModels,
  registerDemo,
  registerAuth,
];
