export * from './roles';
export * from './scope';
export * from './tokens';
export * from './nest';
