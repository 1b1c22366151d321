export * from './config';
export * from './gateway';
export * from './limits';
export * from './supergraph-source';
