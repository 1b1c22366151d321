export * from './config';
export * from './gateway';
export * from './rate-limit';
export * from './subgraph-fetch';
