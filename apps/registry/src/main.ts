import './instrument';
import { runService } from '@keel/runtime';
import { registryService } from './service';

void runService(registryService);
