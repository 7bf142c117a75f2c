import './instrument';
import { runService } from '@keel/runtime';
import { ingestionService } from './service';

void runService(ingestionService);
