// The workflow bundle's entry point: every workflow type the worker serves.
export { actionWorkflow } from './action.js';
export { policyRunWorkflow } from './policy-run.js';
