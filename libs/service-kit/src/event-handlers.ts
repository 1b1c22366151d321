import { Injectable } from '@nestjs/common';
import { EventHandler } from '@civgrid/events';
import { CloudEvent } from '@civgrid/events';
import { EntityManager } from 'typeorm';

/** The domain of an event type: `civgrid.grid.grid-created.v1` → `grid`. */
export const domainOf = (type: string): string => {
  const parts = type.split('.');
  if (parts.length < 4 || parts[0] !== 'civgrid') throw new Error(`not a CivGrid event type: ${type}`);
  return parts[1];
};

/**
 * Feature modules register what they do when another service's event arrives (in `onModuleInit`);
 * the runtime runs one consumer group per service over the topics these handlers need.
 */
@Injectable()
export class EventHandlers {
  private readonly byType = new Map<string, EventHandler[]>();

  on(type: string, handler: EventHandler): void {
    const list = this.byType.get(type) ?? [];
    list.push(handler);
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
