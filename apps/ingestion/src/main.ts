import './instrument';
import { runService } from '@keel/runtime';
import { ingestionService } from './service-definition';

void runService(ingestionService);
