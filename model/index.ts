// The kanflow domain model: zod schemas (the single source of truth), their types, and the K10 YAML reader.
export * from './errors.js';
export * from './hooks.js';
export * from './k10.js';
export * from './names.js';
export * from './policy.js';
export * from './requests.js';
export * from './yaml-location.js';
