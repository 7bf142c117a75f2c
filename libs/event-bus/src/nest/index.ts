export {
  EventBusModule,
  EventBusLifecycle,
  EVENT_BUS_MODULE_OPTIONS,
  type EventBusModuleOptions,
} from './event-bus.module';
export { OnEvent, OnEventBatch, ON_EVENT_METADATA, type OnEventOptions } from './on-event.decorator';
export { OutboxModule, OutboxRelayLifecycle, outboxSettings, type OutboxModuleOptions } from './outbox.module';
