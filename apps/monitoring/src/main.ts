import './instrument';
import { runService } from '@keel/runtime';
import { monitoringService } from './service';

void runService(monitoringService);
