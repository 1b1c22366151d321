export * from './roles';
export * from './scope';
export * from './claims';
export * from './access-table';
export * from './access';
export * from './access-doc';
export * from './tokens';
export * from './nest';
