import type { RegisterCommand } from './command';
import { registerTrain } from './train';
import { registerUp } from './up';
import { registerDrift } from './drift';

// One line per sub-command file.
export const commands: RegisterCommand[] = [registerUp, registerTrain, registerDrift];
