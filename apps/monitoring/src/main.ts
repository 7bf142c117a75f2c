import './instrument';
import { runService } from '@keel/runtime';
import { monitoringService } from './service-definition';

void runService(monitoringService);
