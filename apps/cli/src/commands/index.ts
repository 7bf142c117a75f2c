import type { RegisterCommand } from './command';

// One line per sub-command file.
export const commands: RegisterCommand[] = [];
