export * from './auth';
export * from './database';
export * from './graphql';
export * from './kafka';
export * from './service';
export * from './infra';
export * from './national-id';
