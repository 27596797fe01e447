// The argument declaration of a function, taken from the shared table so validation and execution agree.
import { FUNCTION_SPECS } from '../../kanister/functions/specs.js';
import type { KanisterFunctionSpec } from '../../kanister/functions/types.js';

export function specOf(name: string): KanisterFunctionSpec {
  const spec = FUNCTION_SPECS.get(name);
  if (!spec) throw new Error(`no argument table for Kanister function ${name}`);
  return { name: spec.name, requiredArgs: spec.requiredArgs, optionalArgs: spec.optionalArgs, needsProfile: spec.needsProfile };
}
