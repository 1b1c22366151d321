export * from './cloudevent';
export * from './catalogue';
export * from './topics';
export * from './outbox';
export * from './relay';
export * from './consumer';
export * from './observe';
