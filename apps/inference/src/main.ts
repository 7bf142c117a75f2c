import './instrument';
import { runService } from '@keel/runtime';
import { inferenceService } from './service';

void runService(inferenceService);
