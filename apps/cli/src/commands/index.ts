import type { RegisterCommand } from './command';
import { registerUp } from './up';

// One line per sub-command file.
export const commands: RegisterCommand[] = [registerUp];
