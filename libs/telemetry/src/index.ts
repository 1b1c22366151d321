export * from './metrics';
export * from './request';
export * from './graphql-plugin';
export * from './tracing';
