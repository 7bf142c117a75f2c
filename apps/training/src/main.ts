import './instrument';
import { runService } from '@keel/runtime';
import { trainingService } from './service-definition';

void runService(trainingService);
