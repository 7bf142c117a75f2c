import type { EventPayload, EventType } from '@keel/contracts';
import type { EntityManager } from 'typeorm';

/** The outbox write the contexts need: the event is stored in the caller's transaction. */
export interface RegistryOutbox {
  publish<T extends EventType>(
    manager: EntityManager,
    type: T,
    payload: EventPayload<T>,
    opts: { key: string; subject?: string },
  ): Promise<string>;
}

export const REGISTRY_OUTBOX = Symbol('REGISTRY_OUTBOX');
