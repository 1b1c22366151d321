import { ServiceDefinition } from '@civgrid/service-kit';
import { gridOrganisation } from '@civgrid/grid-organisation';

export interface Subgraph {
  name: string;
  def: ServiceDefinition;
  /** Where it runs under `npm start`; docker and tests override through SUBGRAPH_URL_*. */
  url: string;
  /** Repository-relative folder of the service: its schema.graphql lives there. */
  dir: string;
}

export const SUBGRAPHS: Subgraph[] = [
  { name: 'grid-organisation', def: gridOrganisation, url: 'http://127.0.0.1:4001/graphql', dir: 'services/grid-organisation' },
];
