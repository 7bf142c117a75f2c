import './instrument';
import { runService } from '@keel/runtime';
import { trainingService } from './service';

void runService(trainingService);
