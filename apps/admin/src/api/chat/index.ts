export * from './stream';
export * from './sse';
export type * from './types';
