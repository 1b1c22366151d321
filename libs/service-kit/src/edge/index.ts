// What the gateway and every subgraph put in front of GraphQL. Nothing here loads Nest or TypeORM:
// the gateway imports it as `@civgrid/service-kit/edge`.
export * from './config';
export * from './graphql-edge';
export * from './http';
export * from './limits';
