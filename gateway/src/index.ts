export * from './config';
export * from './gateway';
export * from './supergraph-source';
export * from './rate-limit';
export * from './subgraph-fetch';
