// `keel`: the operator's command line. Each sub-command is one file under ./commands.
import { Command } from 'commander';
import { commands } from './commands';
import { cliToken } from './commands/auth-token';

// Every gRPC client sends KEEL_TOKEN; without it, the admin token `keel up` provisioned in the data dir.
const token = cliToken();
if (token) process.env['KEEL_TOKEN'] = token;

const program = new Command('keel').description('Keel MLOps platform command line').showHelpAfterError();
for (const register of commands) register(program);

program.parseAsync(process.argv).catch((err: unknown) => {
  process.stderr.write(`keel: ${err instanceof Error ? err.message : String(err)}\n`);
  // Errors may carry the exit code scripts test for (2: a usage error); anything else is 1.
  const code = (err as { exitCode?: unknown }).exitCode;
  process.exit(code === 2 ? 2 : 1);
});
