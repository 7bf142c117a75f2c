import './instrument';
import { runService } from '@keel/runtime';
import { inferenceService } from './service-definition';

void runService(inferenceService);
