import type { EventType } from '@keel/contracts';
import { SetMetadata } from '@nestjs/common';
import type { ConsumedEvent, SubscribeOptions, TransactionalEvent } from '../types';

export const ON_EVENT_METADATA = 'keel:event-bus:on-event';

export type OnEventOptions<T extends EventType> = Omit<SubscribeOptions<T>, 'dataSource'> & {
  /** Dedupe with the module's dataSource and hand the handler `event.manager` (default false). */
  transactional?: boolean;
};

export interface OnEventMetadata {
  type: EventType;
  options: OnEventOptions<EventType>;
  /** Set by @OnEventBatch: the method takes each chunk of events (EventBus.subscribeBatch). */
  batch?: boolean;
}

type Handler<T extends EventType> = (event: ConsumedEvent<T> & TransactionalEvent<T>) => Promise<void>;

/** Marks a provider method as the handler of `type`; EventBusModule subscribes it when the app starts. */
export function OnEvent<T extends EventType>(type: T, options: OnEventOptions<T>) {
  return (target: object, key: string | symbol, descriptor: TypedPropertyDescriptor<Handler<T>>): void => {
    SetMetadata(ON_EVENT_METADATA, { type, options } as OnEventMetadata)(target, key, descriptor);
  };
}

type BatchMethod<T extends EventType> = (events: ConsumedEvent<T>[]) => Promise<void>;

/**
 * Marks a provider method as the batch handler of `type` (EventBus.subscribeBatch): it takes each chunk
 * of valid events in one call. Not transactional: the handler deduplicates on its own.
 */
export function OnEventBatch<T extends EventType>(type: T, options: Omit<OnEventOptions<T>, 'transactional'>) {
  return (target: object, key: string | symbol, descriptor: TypedPropertyDescriptor<BatchMethod<T>>): void => {
    SetMetadata(ON_EVENT_METADATA, { type, options, batch: true } as OnEventMetadata)(target, key, descriptor);
  };
}
