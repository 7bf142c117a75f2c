// Renders docs/configuration.md from the services' own setting schemas, so the table cannot drift.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { settingsTable, type Settings } from '@keel/runtime';
import { registrySettings } from '../../apps/registry/src/config';
import { ingestionSettings } from '../../apps/ingestion/src/config';
import { trainingSettings } from '../../apps/training/src/config';
import { inferenceSettings } from '../../apps/inference/src/config';
import { monitoringSettings } from '../../apps/monitoring/src/config';

const services: [string, Settings][] = [
  ['registry', registrySettings],
  ['ingestion', ingestionSettings],
  ['training', trainingSettings],
  ['inference', inferenceSettings],
  ['monitoring', monitoringSettings],
];

export function renderConfigurationDoc(): string {
  const sections = services.map(([name, settings]) => `## ${name}\n\n${settingsTable(settings)}\n`);
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
  writeFileSync(join(__dirname, '../../docs/configuration.md'), renderConfigurationDoc());
}
