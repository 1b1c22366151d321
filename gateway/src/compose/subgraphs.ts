import { ServiceDefinition } from '@civgrid/service-kit';

export interface Subgraph {
  name: string;
  /** Where it runs under `npm start`; docker and tests override through SUBGRAPH_URL_*. */
  url: string;
  /** Repository-relative folder of the service: its schema.graphql lives there. */
  dir: string;
  /**
   * Loads the service's definition. Lazily, because @nestjs/graphql keeps code-first types in one
   * process-wide store: a process (or Jest module registry) should load one service only.
   */
  load(): Promise<ServiceDefinition>;
}

export const SUBGRAPHS: Subgraph[] = [
  {
    name: 'grid-organisation',
    url: 'http://127.0.0.1:4001/graphql',
    dir: 'services/grid-organisation',
    load: () => import('@civgrid/grid-organisation').then((m) => m.gridOrganisation),
  },
  {
    name: 'population-registry',
    url: 'http://127.0.0.1:4002/graphql',
    dir: 'services/population-registry',
    load: () => import('@civgrid/population-registry').then((m) => m.populationRegistry),
  },
  {
    name: 'incident-reporting',
    url: 'http://127.0.0.1:4003/graphql',
    dir: 'services/incident-reporting',
    load: () => import('@civgrid/incident-reporting').then((m) => m.incidentReporting),
  },
  {
    name: 'dispute-mediation',
    url: 'http://127.0.0.1:4004/graphql',
    dir: 'services/dispute-mediation',
    load: () => import('@civgrid/dispute-mediation').then((m) => m.disputeMediation),
  },
];
