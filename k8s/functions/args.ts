// Reading rendered phase arguments with Kanister's weak decoding (mapstructure WeakDecode: "3" → 3,
// "true" → true). Every error is permanent (R5) and names the function, phase and argument.
import { PermanentFunctionError } from '../../kanister/functions/types.js';
import type { FunctionContext } from '../../kanister/functions/types.js';

export class ArgReader {
  constructor(
    private readonly functionName: string,
    private readonly args: Record<string, unknown>,
    private readonly ctx: Pick<FunctionContext, 'phaseName'>,
  ) {}

  error(arg: string, message: string): PermanentFunctionError {
    return new PermanentFunctionError(`${this.functionName} (phase ${JSON.stringify(this.ctx.phaseName)}): argument ${arg}: ${message}`);
  }

  /** An error about the function as a whole (not one argument). */
  failure(message: string): PermanentFunctionError {
    return new PermanentFunctionError(`${this.functionName} (phase ${JSON.stringify(this.ctx.phaseName)}): ${message}`);
  }

  has(arg: string): boolean {
    return this.args[arg] !== undefined && this.args[arg] !== null;
  }

  string(arg: string): string {
    const value = this.optionalString(arg);
    if (value === undefined) throw this.error(arg, 'required argument missing');
    return value;
  }

  optionalString(arg: string): string | undefined {
    const value = this.args[arg];
    if (value === undefined || value === null) return undefined;
    if (typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    throw this.error(arg, `expected a string, got ${describe(value)}`);
  }

  /** A command: a list of strings (Kanister's []string); a lone string is one-element list, as WeakDecode makes it. */
  stringList(arg: string): string[] {
    const value = this.args[arg];
    if (value === undefined || value === null) throw this.error(arg, 'required argument missing');
    if (typeof value === 'string') return [value];
    if (!Array.isArray(value)) throw this.error(arg, `expected a list of strings, got ${describe(value)}`);
    return value.map((item, index) => {
      if (typeof item === 'string') return item;
      if (typeof item === 'number' || typeof item === 'boolean') return String(item);
      throw this.error(`${arg}[${index}]`, `expected a string, got ${describe(item)}`);
    });
  }

  optionalInt(arg: string): number | undefined {
    const value = this.args[arg];
    if (value === undefined || value === null) return undefined;
    const number = typeof value === 'string' && value.trim() !== '' ? Number(value.trim()) : value;
    if (typeof number !== 'number' || !Number.isInteger(number)) throw this.error(arg, `expected an integer, got ${describe(value)}`);
    return number;
  }

  optionalBool(arg: string): boolean | undefined {
    const value = this.args[arg];
    if (value === undefined || value === null) return undefined;
    if (typeof value === 'boolean') return value;
    if (typeof value === 'number') return value !== 0;
    if (typeof value === 'string') {
      // Go's strconv.ParseBool, which WeakDecode uses.
      if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(value)) return true;
      if (['0', 'f', 'F', 'FALSE', 'false', 'False', ''].includes(value)) return false;
    }
    throw this.error(arg, `expected a boolean, got ${describe(value)}`);
  }

  optionalObject(arg: string): Record<string, unknown> | undefined {
    const value = this.args[arg];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'object' || Array.isArray(value)) throw this.error(arg, `expected a map, got ${describe(value)}`);
    return value as Record<string, unknown>;
  }

  optionalStringMap(arg: string): Record<string, string> | undefined {
    const value = this.optionalObject(arg);
    if (!value) return undefined;
    const out: Record<string, string> = {};
    for (const [key, item] of Object.entries(value)) {
      if (typeof item === 'string') out[key] = item;
      else if (typeof item === 'number' || typeof item === 'boolean') out[key] = String(item);
      else throw this.error(`${arg}.${key}`, `expected a string, got ${describe(item)}`);
    }
    return out;
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a map';
  return `${typeof value} ${JSON.stringify(value)}`;
}

/** Kubernetes label/annotation checks Kanister's pod functions apply to podLabels/podAnnotations. */
export function labelProblem(key: string, value: string | undefined): string | undefined {
  const qualified = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
  if (!qualified.test(key)) return `invalid label key ${JSON.stringify(key)}`;
  if (value !== undefined && value !== '' && !/^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/.test(value)) {
    return `invalid label value ${JSON.stringify(value)} for key ${JSON.stringify(key)}`;
  }
  return undefined;
}
