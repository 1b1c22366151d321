export * from './artefact';
export * from './check';
export * from './compose';
export * from './publish';
