// Child process for the outbox crash test: commits a domain row and its event in one transaction with
// a relay running, then dies by SIGKILL before the relay's next pass can send it.
import { openDatabase } from '@keel/persistence';
import { EventBus } from '../event-bus';
import { OutboxRelay } from '../outbox-relay';
import { SideEffect, specSchema } from './spec-entities';

async function main(): Promise<void> {
  const db = JSON.parse(process.env['SPEC_DB']!) as {
    service: string;
    dataDir: string;
    databaseUrl?: string;
    schema?: string;
  };
  const dataset = process.env['SPEC_DATASET']!;
  const dataSource = await openDatabase({ ...db, ...specSchema });
  const bus = new EventBus({
    clientId: 'crash-writer',
    brokers: JSON.parse(process.env['SPEC_BROKERS']!) as string[],
    source: 'keel/crash-writer',
    provisionTopics: false,
  });
  await bus.connect();
  // A relay that is up but whose next pass is far away: the kill lands between commit and send.
  const relay = new OutboxRelay({ bus, dataSource, pollIntervalMs: 60_000 });
  relay.start();
  await new Promise((r) => setTimeout(r, 200));
  await dataSource.transaction(async (manager) => {
    await manager.insert(SideEffect, { eventId: 'domain-change', label: 'written-by-crashed-process' });
    await bus.outbox.publish(manager, 'keel.ingest.record', { change: 'crash' }, { key: 'crash', dataset });
  });
  process.stdout.write('committed\n');
  process.kill(process.pid, 'SIGKILL');
}

main().catch((err: unknown) => {
  process.stderr.write(`${String(err)}\n`);
  process.exit(1);
});
