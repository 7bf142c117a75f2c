// Renders docs/configuration.md from the services' own setting schemas, so the table cannot drift. Each
// service prints its table itself (`main.ts --settings-table`): tools never import app source.
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { DEFAULT_SERVICE_PORTS } from '@keel/contracts';

const root = join(__dirname, '../..');
const SERVICES = Object.keys(DEFAULT_SERVICE_PORTS);

async function settingsTableOf(service: string): Promise<string> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['-r', join(root, 'tools/register-ts.cjs'), join(root, 'apps', service, 'src/main.ts'), '--settings-table'],
    { cwd: root, env: { PATH: process.env['PATH'] ?? '' }, timeout: 60_000 },
  );
  return stdout.trim();
}

export async function renderConfigurationDoc(): Promise<string> {
  const tables = await Promise.all(SERVICES.map(settingsTableOf));
  const sections = SERVICES.map((name, i) => `## ${name}\n\n${tables[i]}\n`);
  return [
    '# Configuration',
    '',
    'Every Keel service reads `KEEL_*` environment variables (and the standard `OTEL_*` ones, e.g.',
    '`OTEL_EXPORTER_OTLP_ENDPOINT` to export traces). Each service validates all of its variables at start;',
    'a bad value stops it with exit code 1 and one line per problem, naming the variable.',
    "Secrets are never logged. The embedded broker's flags are in [broker.md](broker.md).",
    '',
    "_Generated from the services' setting schemas by `npm run docs:config`; a test fails when it is stale._",
    '',
    ...sections,
  ].join('\n');
}

if (require.main === module) {
  void renderConfigurationDoc().then((doc) => writeFileSync(join(root, 'docs/configuration.md'), doc));
}
