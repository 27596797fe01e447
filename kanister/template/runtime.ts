// Execution semantics of Go templates, provided to Handlebars as helpers: field access with
// missingkey=error, Go printing, if/with/range/break/continue blocks, variables, and the
// short-circuit evaluation of and/or (Handlebars evaluates sub-expressions eagerly, so these
// run on the Go parse tree instead).
import type { HelperOptions } from 'handlebars';
import type { ArgNode, CommandNode, PipeNode, Position } from './ast.js';
import type { GoFunction } from './builtins.js';
import { GoExecError, MissingKeyError, TemplateRenderError } from './errors.js';
import { printAction } from './format.js';
import { templateFunctions } from './functions.js';
import { GoTime } from './gotime.js';
import { goTypeName, isGoMap, mapZeroValue, sortedKeys, structInfo, truth, type GoRecord } from './values.js';

/** Per-node facts the helpers need, referenced by number from the Handlebars program. */
export type NodeInfo =
  | { readonly kind: 'field'; readonly names: readonly string[]; readonly text: string; readonly pos: Position }
  | { readonly kind: 'logic'; readonly command: CommandNode }
  | { readonly kind: 'range'; readonly keySlot?: string; readonly valueSlot?: string; readonly pos: Position; readonly text: string };

/** The Handlebars `data` object of one render: variables live in it as `v1`, `v2`, ... next to `root`. */
export interface RenderState {
  root: unknown;
  /** Loop control pending in the innermost range: 0 none, 1 break, 2 continue. */
  ctl: number;
  /** Go's missingkey=zero/default instead of missingkey=error: missing keys and fields of nil data yield nil. */
  readonly lenient: boolean;
  readonly nodes: readonly NodeInfo[];
  [slot: string]: unknown;
}

type Options = HelperOptions & { readonly data: RenderState; readonly name: string; readonly loc?: { start: { line: number; column: number } } };

const LOOP_BREAK = 1;
const LOOP_CONTINUE = 2;

// ---- errors with template positions ----

export function renderError(e: unknown, context: string, pos: { line: number; column: number } | undefined, path?: string): TemplateRenderError {
  if (e instanceof TemplateRenderError) return e;
  if (e instanceof MissingKeyError) {
    return new TemplateRenderError(`Failed to render template: "${e.key}" not found`, path ?? context, pos?.line, pos?.column);
  }
  const message = e instanceof Error ? e.message : String(e);
  const where = pos ? `${pos.line}:${pos.column}` : '?';
  return new TemplateRenderError(`template: config:${where}: executing "config" at <${context}>: ${message}`, path ?? context, pos?.line, pos?.column);
}

// ---- field access ----

function fieldStep(receiver: unknown, name: string, pathSoFar: string, lenient: boolean): unknown {
  if (receiver === null || receiver === undefined) {
    if (lenient) return null;
    throw new GoExecError(`nil pointer evaluating ${pathSoFar || '.'}.${name} (${pathSoFar || 'the value'} is nil)`);
  }
  if (typeof receiver === 'object' && !Array.isArray(receiver) && !(receiver instanceof Uint8Array) && !(receiver instanceof GoTime)) {
    const obj = receiver as GoRecord;
    if (Object.prototype.hasOwnProperty.call(obj, name)) return obj[name] ?? null;
    const info = structInfo(obj);
    if (info) throw new GoExecError(`can't evaluate field ${name} in type ${info.typeName ?? 'struct'}`);
    if (lenient) return mapZeroValue(obj);
    throw new MissingKeyError(name);
  }
  const methods = receiver instanceof GoTime ? ' (method calls are not supported by kanflow)' : '';
  throw new GoExecError(`can't evaluate field ${name} in type ${goTypeName(receiver)}${methods}`);
}

/** Evaluates `.A.B.C` on a receiver with Go's rules (maps: missing key is an error; nil: error). */
export function fieldChain(receiver: unknown, names: readonly string[], prefix: string, lenient: boolean): unknown {
  let v = receiver;
  let path = prefix;
  for (const name of names) {
    v = fieldStep(v, name, path, lenient);
    path += `.${name}`;
  }
  return v;
}

// ---- function calls ----

function callFunction(name: string, f: GoFunction, args: unknown[]): unknown {
  if (args.length < f.minArgs || args.length > f.maxArgs) {
    const want = f.maxArgs === Infinity ? `at least ${f.minArgs}` : f.minArgs === f.maxArgs ? `${f.minArgs}` : `${f.minArgs} to ${f.maxArgs}`;
    throw new GoExecError(`wrong number of args for ${name}: want ${want} got ${args.length}`);
  }
  try {
    return f.call(...args);
  } catch (e) {
    if (e instanceof GoExecError && !(e instanceof MissingKeyError)) {
      throw new GoExecError(e.message.startsWith('error calling') ? e.message : `error calling ${name}: ${e.message}`);
    }
    if (e instanceof GoExecError || e instanceof TemplateRenderError) throw e;
    throw new GoExecError(`error calling ${name}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** A Handlebars helper running a Go function: the piped value already arrives as the last argument. */
export function functionHelper(name: string, f: GoFunction): (...args: unknown[]) => unknown {
  return function goFunction(...args: unknown[]): unknown {
    const options = args.pop() as Options;
    try {
      return callFunction(name, f, args);
    } catch (e) {
      throw renderError(e, name, options.loc?.start);
    }
  };
}

// ---- the interpreter used where evaluation must be lazy (and/or) ----

function evalArg(node: ArgNode, dot: unknown, state: RenderState): unknown {
  switch (node.kind) {
    case 'field':
      return fieldChain(dot, node.names, '', state.lenient);
    case 'variable':
      return fieldChain(state[node.variable.slot], node.names, node.variable.name, state.lenient);
    case 'chain':
      return fieldChain(evalArg(node.node, dot, state), node.names, node.node.text, state.lenient);
    case 'identifier':
      return evalCall(node.name, [], undefined, false, dot, state);
    case 'dot':
      return dot;
    case 'nil':
      return null;
    case 'bool':
    case 'number':
    case 'string':
      return node.value;
    case 'pipe':
      return evalPipe(node, dot, state);
  }
}

function evalPipe(pipe: PipeNode, dot: unknown, state: RenderState): unknown {
  let value: unknown;
  let hasFinal = false;
  for (const cmd of pipe.cmds) {
    const first = cmd.args[0]!;
    if (first.kind === 'identifier') value = evalCall(first.name, cmd.args.slice(1), value, hasFinal, dot, state);
    else value = evalArg(first, dot, state);
    hasFinal = true;
  }
  for (const v of pipe.decl) state[v.slot] = value;
  return value;
}

function evalCall(name: string, args: readonly ArgNode[], final: unknown, hasFinal: boolean, dot: unknown, state: RenderState): unknown {
  if (name === 'and' || name === 'or') return evalLogic(name, args, final, hasFinal, dot, state);
  const values = args.map((a) => evalArg(a, dot, state));
  if (hasFinal) values.push(final);
  return callFunction(name, templateFunctions.get(name)!, values);
}

/** Go 1.18+ and/or: evaluate operands left to right, stop at the deciding one and return it. */
function evalLogic(name: 'and' | 'or', args: readonly ArgNode[], final: unknown, hasFinal: boolean, dot: unknown, state: RenderState): unknown {
  if (args.length === 0 && !hasFinal) throw new GoExecError(`wrong number of args for ${name}: want at least 1 got 0`);
  const stopOn = name === 'or';
  let v: unknown = null;
  for (const arg of args) {
    v = evalArg(arg, dot, state);
    if (truth(v) === stopOn) return v;
  }
  return hasFinal ? final : v;
}

// ---- helpers the compiled Handlebars program calls ----

function nodeError(e: unknown, info: NodeInfo): TemplateRenderError {
  if (info.kind === 'logic') return renderError(e, info.command.text, info.command.pos);
  return renderError(e, info.text, info.pos, info.text);
}

function rangeItems(value: unknown, info: NodeInfo & { kind: 'range' }): { keys: readonly (string | number)[]; values: readonly unknown[] } | undefined {
  if (value === null || value === undefined) return undefined;
  if (Array.isArray(value) || value instanceof Uint8Array) {
    const values = Array.from(value as ArrayLike<unknown>);
    return { keys: values.map((_, i) => i), values };
  }
  if (typeof value === 'number' && Number.isInteger(value)) {
    if (info.keySlot !== undefined && info.valueSlot !== undefined) throw new GoExecError(`can't use ${value} to iterate over more than one variable`);
    const values = Array.from({ length: Math.max(0, value) }, (_, i) => i);
    return { keys: values, values };
  }
  if (isGoMap(value)) {
    const keys = sortedKeys(value);
    return { keys, values: keys.map((k) => value[k] ?? null) };
  }
  throw new GoExecError(`range can't iterate over ${printAction(value)}`);
}

export const internalHelpers: Readonly<Record<string, (...args: never[]) => unknown>> = {
  /** `{{ pipeline }}`: Go's printing of the final value. */
  __print(value: unknown): string {
    return printAction(value);
  },

  /** Field chain on a receiver (dot, a variable, or a parenthesised result). */
  __field(receiver: unknown, id: number, options: Options): unknown {
    const info = options.data.nodes[id] as NodeInfo & { kind: 'field' };
    try {
      return fieldChain(receiver, info.names, '', options.data.lenient);
    } catch (e) {
      throw nodeError(e, info);
    }
  },

  /** `{{ $x := pipeline }}` / `{{ $x = pipeline }}`: stores the value, prints nothing. */
  __set(slot: string, value: unknown, options: Options): string {
    options.data[slot] = value;
    return '';
  },

  /** A declaration inside if/with: stores the value and yields it. */
  __decl(slot: string, value: unknown, options: Options): unknown {
    options.data[slot] = value;
    return value;
  },

  /** and/or with short-circuit; the optional piped value arrives evaluated, before the options. */
  __logic(dot: unknown, id: number, ...rest: unknown[]): unknown {
    const options = rest.pop() as Options;
    const info = options.data.nodes[id] as NodeInfo & { kind: 'logic' };
    const first = info.command.args[0] as ArgNode & { kind: 'identifier' };
    try {
      return evalLogic(first.name as 'and' | 'or', info.command.args.slice(1), rest[0], rest.length > 0, dot, options.data);
    } catch (e) {
      throw nodeError(e, info);
    }
  },

  __if(condition: unknown, dot: unknown, options: Options): string {
    return truth(condition) ? options.fn(dot) : options.inverse(dot);
  },

  __with(value: unknown, dot: unknown, options: Options): string {
    return truth(value) ? options.fn(value) : options.inverse(dot);
  },

  __range(value: unknown, dot: unknown, id: number, options: Options): string {
    const info = options.data.nodes[id] as NodeInfo & { kind: 'range' };
    let items;
    try {
      items = rangeItems(value, info);
    } catch (e) {
      throw nodeError(e, info);
    }
    if (!items || items.values.length === 0) return options.inverse(dot);
    const state = options.data;
    let out = '';
    for (let i = 0; i < items.values.length; i++) {
      const element = items.values[i];
      if (info.keySlot !== undefined) state[info.keySlot] = items.keys[i];
      if (info.valueSlot !== undefined) state[info.valueSlot] = element;
      out += options.fn(element);
      const ctl = state.ctl;
      state.ctl = 0;
      if (ctl === LOOP_BREAK) break;
    }
    return out;
  },

  __break(options: Options): string {
    options.data.ctl = LOOP_BREAK;
    return '';
  },

  __continue(options: Options): string {
    options.data.ctl = LOOP_CONTINUE;
    return '';
  },

  /** Wraps what follows a possible break/continue inside a range body: skipped once loop control is pending. */
  __live(dot: unknown, options: Options): string {
    return options.data.ctl !== 0 ? '' : options.fn(dot);
  },
};
