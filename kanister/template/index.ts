// Public API of kanflow's Kanister template dialect: Go text/template syntax with sprig v2.22,
// parsed here and executed by Handlebars with helpers that give Go's semantics.
import type { ArgNode, ParsedTemplate, PipeNode, TemplateNode } from './ast.js';
import { compileProgram } from './compiler.js';
import { TemplateRenderError } from './errors.js';
import { checkFunctionName } from './functions.js';
import { parseTemplate } from './parser.js';
import { renderError, type RenderState } from './runtime.js';

export { TemplateRenderError, TemplateSyntaxError } from './errors.js';
export { setTemplateEnvironment, type TemplateEnvironment } from './environment.js';
export { GoTime } from './gotime.js';
export { asGoStruct, goMapZero, goStruct, withMapZero, type GoStructInfo } from './values.js';

export interface RenderOptions {
  /**
   * `error` (default, as Kanister renders blueprints): a missing map key reached with dots fails.
   * `zero` (Go's missingkey=zero/default, as Wait conditions and kubectl's go-template printer run):
   * it yields the map's zero value, and fields of nil data yield nil.
   */
  readonly missingKey?: 'error' | 'zero';
}

export interface CompiledTemplate {
  /** Renders with `data` as dot and `$`; throws TemplateRenderError. */
  render(data: unknown, options?: RenderOptions): string;
}

const MAX_CACHED_TEMPLATES = 10_000;
const cache = new Map<string, CompiledTemplate>();

class ConstantTemplate implements CompiledTemplate {
  constructor(private readonly text: string) {}
  render(): string {
    return this.text;
  }
}

class HandlebarsTemplate implements CompiledTemplate {
  private readonly program;

  constructor(parsed: ParsedTemplate) {
    this.program = compileProgram(parsed);
  }

  render(data: unknown, options?: RenderOptions): string {
    const state: RenderState = { root: data, ctl: 0, lenient: options?.missingKey === 'zero', nodes: this.program.nodes };
    try {
      return this.program.run(data, state);
    } catch (e) {
      if (e instanceof TemplateRenderError) throw e;
      throw renderError(e, 'template', undefined);
    }
  }
}

/** Does the string contain template actions at all? (Go's lexer only reacts to `{{`.) */
export function isTemplated(source: string): boolean {
  return source.includes('{{');
}

/** Parses and compiles once (cached by source). Throws TemplateSyntaxError. */
export function compileTemplate(source: string): CompiledTemplate {
  let compiled = cache.get(source);
  if (compiled) return compiled;
  compiled = isTemplated(source) ? new HandlebarsTemplate(parseTemplate(source, checkFunctionName)) : new ConstantTemplate(source);
  if (cache.size >= MAX_CACHED_TEMPLATES) cache.delete(cache.keys().next().value!);
  cache.set(source, compiled);
  return compiled;
}

/** compileTemplate(source).render(data, options) */
export function renderTemplate(source: string, data: unknown, options?: RenderOptions): string {
  return compileTemplate(source).render(data, options);
}

/** Clears the compile cache (for benchmarks). */
export function clearTemplateCache(): void {
  cache.clear();
}

// ---- static analysis for validation ----

/** Parses accepting any function name, so validation can report unknown names itself. */
function parseForAnalysis(source: string): ParsedTemplate {
  return parseTemplate(source, () => undefined);
}

interface Analysis {
  readonly paths: string[][];
  readonly functions: string[];
}

/** Walks the tree tracking what dot (and each variable) is relative to the root, where that is known. */
function analyse(parsed: ParsedTemplate): Analysis {
  const paths = new Map<string, string[]>();
  const functions = new Set<string>();
  const variables = new Map<string, string[] | undefined>([['root', []]]);
  const record = (base: string[] | undefined, names: readonly string[]): string[] | undefined => {
    if (!base) return undefined;
    const path = [...base, ...names];
    if (path.length > 0) paths.set(path.join('\u0000'), path);
    return path;
  };
  const argPath = (arg: ArgNode, dot: string[] | undefined): string[] | undefined => {
    switch (arg.kind) {
      case 'field':
        return record(dot, arg.names);
      case 'variable':
        return record(variables.get(arg.variable.slot), arg.names);
      case 'chain':
        argPath(arg.node, dot);
        return undefined;
      case 'identifier':
        functions.add(arg.name);
        return undefined;
      case 'dot':
        return dot;
      case 'pipe':
        return pipePath(arg, dot);
      default:
        return undefined;
    }
  };
  const pipePath = (pipe: PipeNode, dot: string[] | undefined): string[] | undefined => {
    let result: string[] | undefined;
    for (const cmd of pipe.cmds) {
      const paths = cmd.args.map((a) => argPath(a, dot));
      result = cmd.args.length === 1 && pipe.cmds.length === 1 ? paths[0] : undefined;
    }
    for (const v of pipe.decl) variables.set(v.slot, pipe.decl.length === 1 ? result : undefined);
    return result;
  };
  const walk = (nodes: readonly TemplateNode[], dot: string[] | undefined): void => {
    for (const node of nodes) {
      switch (node.kind) {
        case 'action':
          pipePath(node.pipe, dot);
          break;
        case 'if':
          pipePath(node.pipe, dot);
          walk(node.list, dot);
          walk(node.elseList ?? [], dot);
          break;
        case 'with':
          walk(node.list, pipePath(node.pipe, dot));
          walk(node.elseList ?? [], dot);
          break;
        case 'range':
          pipePath(node.pipe, dot);
          for (const v of node.pipe.decl) variables.set(v.slot, undefined);
          walk(node.list, undefined);
          walk(node.elseList ?? [], dot);
          break;
        default:
          break;
      }
    }
  };
  walk(parsed.root, []);
  return { paths: [...paths.values()], functions: [...functions] };
}

/**
 * Every field chain the template reads from the root data (`.Profile.Location.Bucket` →
 * ['Profile','Location','Bucket']), including chains read through `$`, through variables holding a
 * root field, and inside `with` on a root field. Throws TemplateSyntaxError.
 */
export function fieldPaths(source: string): string[][] {
  if (!isTemplated(source)) return [];
  return analyse(parseForAnalysis(source)).paths;
}

/** Every function name the template calls (for validation: unknown function = error). Throws TemplateSyntaxError for other syntax errors. */
export function functionNames(source: string): string[] {
  if (!isTemplated(source)) return [];
  return analyse(parseForAnalysis(source)).functions;
}

