import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { CloudEvent, EventHandler } from '@civgrid/events';
import { EventPayloads, EventType } from '@civgrid/contracts';

/** The domain of an event type: `civgrid.grid.grid-created.v1` → `grid`. */
export const domainOf = (type: string): string => {
  const parts = type.split('.');
  if (parts.length < 4 || parts[0] !== 'civgrid') throw new Error(`not a CivGrid event type: ${type}`);
  return parts[1];
};

/** What to do when an event of type `K` arrives: `event.data` is that type's payload. */
export type HandlerOf<K extends EventType> = EventHandler<EventPayloads[K]>;

/**
 * Feature modules register what they do when another service's event arrives (in `onModuleInit`);
 * the runtime runs one consumer group per service over the topics these handlers need. A handler
 * registered for a type receives that type's payload, typed by the contracts' event map.
 */
@Injectable()
export class EventHandlers {
  private readonly byType = new Map<string, EventHandler[]>();

  on<K extends EventType>(type: K, handler: HandlerOf<K>): void {
    const list = this.byType.get(type) ?? [];
    // The consumer checks `data` against the type's schema before any handler runs: from here on it
    // is that type's payload (the one place the validated event meets its static type).
    list.push(handler as EventHandler);
    this.byType.set(type, list);
  }

  get types(): string[] {
    return [...this.byType.keys()];
  }

  get domains(): string[] {
    return [...new Set(this.types.map(domainOf))];
  }

  /** All handlers of a type run in the one transaction that records the event id. */
  asMap(): Record<string, EventHandler> {
    const map: Record<string, EventHandler> = {};
    for (const [type, handlers] of this.byType) {
      map[type] = async (event: CloudEvent, manager: EntityManager) => {
        for (const handler of handlers) await handler(event, manager);
      };
    }
    return map;
  }
}
