import type { Command } from 'commander';

/** Each `keel` sub-command lives in its own file and registers itself on the root program. */
export type RegisterCommand = (program: Command) => void;
