import './instrument';
import { runService } from '@keel/runtime';
import { registryService } from './service-definition';

void runService(registryService);
