export * from './audit';
export * from './cipher';
export * from './config';
export * from './mask';
