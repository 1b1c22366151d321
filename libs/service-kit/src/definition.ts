import { DynamicModule, Type } from '@nestjs/common';
import { z } from 'zod';
import { EventCatalogue } from '@civgrid/events';
import { BaseConfig } from './config';

/** What makes one subgraph: the kit supplies everything else. */
export interface ServiceDefinition<C extends BaseConfig = BaseConfig> {
  /** Folder and package name, e.g. `grid-organisation`. */
  name: string;
  /** The event domain it owns: its topic is `civgrid.<domain>.events`. */
  domain: string;
  configSchema: z.ZodType<C>;
  catalogue: EventCatalogue;
  modules: (Type<unknown> | DynamicModule)[];
  // TypeORM takes entity and migration classes as plain constructors.
  entities: (new () => object)[];
  migrations: (new () => object)[];
}
