// The function map a template sees: Go's builtins overlaid by sprig v2.22 (Funcs entries win, so sprig's
// `slice` replaces the builtin one), exactly the names Kanister's renderer defines.
import { builtinFunctions, type GoFunction } from './builtins.js';
import { notInSprigV2, sprigFunctions, unsupportedSprigFunctions } from './sprig.js';

export const templateFunctions: ReadonlyMap<string, GoFunction> = new Map([
  ...Object.entries(builtinFunctions),
  ...Object.entries(sprigFunctions),
]);

/** Parse-time check of a function name: undefined when callable, else the error text. */
export function checkFunctionName(name: string): string | undefined {
  if (templateFunctions.has(name)) return undefined;
  if (unsupportedSprigFunctions.has(name)) return `function "${name}" is not supported by kanflow`;
  if (notInSprigV2.has(name)) return `function "${name}" not defined (it is not part of sprig v2.22, which Kanister uses)`;
  return `function "${name}" not defined`;
}
