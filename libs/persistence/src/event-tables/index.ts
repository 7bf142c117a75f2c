import { CreateEventTables1764201600000 } from './create-event-tables.migration';
import { EventTablesV21796002200000 } from './event-tables-v2.migration';
import { OutboxEvent } from './outbox-event.entity';
import { ProcessedEvent } from './processed-event.entity';

export { ProcessedEvent, PROCESSED_EVENTS_TABLE } from './processed-event.entity';
export { OutboxEvent, OUTBOX_TABLE } from './outbox-event.entity';
export { CreateEventTables1764201600000 } from './create-event-tables.migration';
export { EventTablesV21796002200000 } from './event-tables-v2.migration';

/** Add these to a service's own entity and migration lists to get idempotent consumers and the outbox. */
export const eventTableEntities = [ProcessedEvent, OutboxEvent];
export const eventTableMigrations = [CreateEventTables1764201600000, EventTablesV21796002200000];
