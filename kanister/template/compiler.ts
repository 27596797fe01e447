// Compiles the Go template tree into a Handlebars program: text becomes ContentStatements, actions
// become `{{__print (fn args... piped)}}` mustaches with sub-expressions, if/with/range become block
// helpers, variables become `@data` paths. Handlebars then compiles and executes that program.
import Handlebars from 'handlebars';
import type { ArgNode, CommandNode, ParsedTemplate, PipeNode, Position, TemplateNode } from './ast.js';
import { TemplateSyntaxError } from './errors.js';
import { templateFunctions } from './functions.js';
import { functionHelper, internalHelpers, type NodeInfo, type RenderState } from './runtime.js';

type Expression = hbs.AST.Expression;
type Statement = hbs.AST.Statement;

const NO_STRIP: hbs.AST.StripFlags = { open: false, close: false };

/** Runs the program with Go's dot as context and the render state as Handlebars `@data`. */
export type ProgramRunner = (dot: unknown, state: RenderState) => string;

/** A compiled program plus the node table its helpers read. */
export interface CompiledProgram {
  readonly run: ProgramRunner;
  readonly nodes: readonly NodeInfo[];
}

interface TemplateInternals {
  _setup(options: object): void;
  _child(program: string, data?: unknown): (context: unknown, options: { data: RenderState }) => string;
}

/**
 * Calling a Handlebars template re-wraps every helper and rebuilds its prototype-access tables on
 * each call. Our helpers never change, so set the container up once and run its main program
 * directly; fall back to the public call if the runtime lacks these (stable since 4.0) internals.
 */
function runner(template: Handlebars.TemplateDelegate): ProgramRunner {
  const internals = template as unknown as Partial<TemplateInternals>;
  if (typeof internals._setup === 'function' && typeof internals._child === 'function') {
    internals._setup({});
    const main = internals._child('main');
    return (dot, state) => main(dot, { data: state });
  }
  return (dot, state) => template(dot, { data: state });
}

function location(pos: Position | undefined): hbs.AST.SourceLocation {
  const p = pos ?? { line: 1, column: 1 };
  return { source: 'config', start: { line: p.line, column: p.column }, end: { line: p.line, column: p.column } };
}

const helperPath = (name: string): hbs.AST.PathExpression =>
  ({ type: 'PathExpression', data: false, depth: 0, parts: [name], original: name, loc: location(undefined) });

/** `this` in Handlebars is the current context, i.e. Go's dot. */
const DOT: hbs.AST.PathExpression = { type: 'PathExpression', data: false, depth: 0, parts: [], original: 'this', loc: location(undefined) };

const dataPath = (slot: string): hbs.AST.PathExpression =>
  ({ type: 'PathExpression', data: true, depth: 0, parts: [slot], original: `@${slot}`, loc: location(undefined) });

const stringLiteral = (value: string): hbs.AST.StringLiteral => ({ type: 'StringLiteral', value, original: value, loc: location(undefined) });
const numberLiteral = (value: number): hbs.AST.NumberLiteral => ({ type: 'NumberLiteral', value, original: value, loc: location(undefined) });

function call(name: string, params: Expression[], pos?: Position): hbs.AST.SubExpression {
  return { type: 'SubExpression', path: helperPath(name), params, hash: undefined as unknown as hbs.AST.Hash, loc: location(pos) };
}

function mustache(name: string, params: Expression[], pos?: Position): hbs.AST.MustacheStatement {
  return {
    type: 'MustacheStatement',
    path: helperPath(name),
    params,
    hash: undefined as unknown as hbs.AST.Hash,
    escaped: false,
    strip: NO_STRIP,
    loc: location(pos),
  };
}

function program(body: Statement[]): hbs.AST.Program {
  return { type: 'Program', body, blockParams: undefined as unknown as string[], loc: location(undefined) };
}

function block(name: string, params: Expression[], body: Statement[], inverse: Statement[] | undefined, pos?: Position): hbs.AST.BlockStatement {
  return {
    type: 'BlockStatement',
    path: helperPath(name),
    params,
    hash: undefined as unknown as hbs.AST.Hash,
    program: program(body),
    inverse: (inverse ? program(inverse) : undefined) as hbs.AST.Program,
    openStrip: NO_STRIP,
    inverseStrip: NO_STRIP,
    closeStrip: NO_STRIP,
    loc: location(pos),
  };
}

function containsLoopControl(node: TemplateNode): boolean {
  switch (node.kind) {
    case 'break':
    case 'continue':
      return true;
    case 'if':
    case 'with':
      return [...node.list, ...(node.elseList ?? [])].some(containsLoopControl);
    default:
      return false; // a nested range owns the loop control inside it
  }
}

class ProgramBuilder {
  readonly nodes: NodeInfo[] = [];
  readonly helpersUsed = new Set<string>(['__print']);

  private addNode(info: NodeInfo): Expression {
    this.nodes.push(info);
    return numberLiteral(this.nodes.length - 1);
  }

  private use(name: string): string {
    this.helpersUsed.add(name);
    return name;
  }

  list(nodes: readonly TemplateNode[], inRange: boolean): Statement[] {
    const out: Statement[] = [];
    for (let i = 0; i < nodes.length; i++) {
      const node = nodes[i]!;
      out.push(this.statement(node, inRange));
      if (inRange && i < nodes.length - 1 && containsLoopControl(node)) {
        // Handlebars cannot leave a block early: guard what follows a possible break/continue.
        out.push(block(this.use('__live'), [DOT], this.list(nodes.slice(i + 1), inRange), undefined));
        break;
      }
    }
    return out;
  }

  private statement(node: TemplateNode, inRange: boolean): Statement {
    switch (node.kind) {
      case 'text':
        return { type: 'ContentStatement', value: node.text, original: node.text as unknown as hbs.AST.StripFlags, loc: location(undefined) } as hbs.AST.ContentStatement;
      case 'action':
        if (node.pipe.decl.length > 0) {
          return mustache(this.use('__set'), [stringLiteral(node.pipe.decl[0]!.slot), this.pipeValue(node.pipe)], node.pos);
        }
        return mustache('__print', [this.pipeValue(node.pipe)], node.pos);
      case 'if':
      case 'with': {
        const name = this.use(node.kind === 'if' ? '__if' : '__with');
        return block(name, [this.pipe(node.pipe), DOT], this.list(node.list, inRange), node.elseList && this.list(node.elseList, inRange), node.pos);
      }
      case 'range': {
        const decl = node.pipe.decl;
        const info: NodeInfo = {
          kind: 'range',
          keySlot: decl.length === 2 ? decl[0]!.slot : undefined,
          valueSlot: decl.length === 2 ? decl[1]!.slot : decl[0]?.slot,
          pos: node.pos,
          text: node.pipe.text,
        };
        const body = this.list(node.list, true);
        const inverse = node.elseList && this.list(node.elseList, inRange);
        return block(this.use('__range'), [this.pipeValue(node.pipe), DOT, this.addNode(info)], body, inverse, node.pos);
      }
      case 'break':
        return mustache(this.use('__break'), [], node.pos);
      case 'continue':
        return mustache(this.use('__continue'), [], node.pos);
    }
  }

  /** A pipeline as a value; a declaration inside it (if/with) also stores the value. */
  private pipe(pipe: PipeNode): Expression {
    const value = this.pipeValue(pipe);
    if (pipe.decl.length === 0) return value;
    return call(this.use('__decl'), [stringLiteral(pipe.decl[0]!.slot), value], pipe.pos);
  }

  private pipeValue(pipe: PipeNode): Expression {
    let value: Expression | undefined;
    for (const cmd of pipe.cmds) value = this.command(cmd, value);
    return value!;
  }

  private command(cmd: CommandNode, piped: Expression | undefined): Expression {
    const first = cmd.args[0]!;
    if (first.kind !== 'identifier') {
      if (piped) {
        const { line, column } = first.pos;
        throw new TemplateSyntaxError(
          `template: config:${line}:${column}: ${first.text} has arguments but cannot be invoked as function (in ${JSON.stringify(cmd.text)})`,
          line,
          column,
          cmd.text,
        );
      }
      return this.arg(first);
    }
    const tail = piped ? [piped] : [];
    if (first.name === 'and' || first.name === 'or') {
      return call(this.use('__logic'), [DOT, this.addNode({ kind: 'logic', command: cmd }), ...tail], cmd.pos);
    }
    return call(this.use(first.name), [...cmd.args.slice(1).map((a) => this.arg(a)), ...tail], cmd.pos);
  }

  private arg(node: ArgNode): Expression {
    switch (node.kind) {
      case 'field':
        return call(this.use('__field'), [DOT, this.field(node.names, node.text, node.pos)], node.pos);
      case 'variable': {
        const base = dataPath(node.variable.slot);
        if (node.names.length === 0) return base;
        return call(this.use('__field'), [base, this.field(node.names, node.text, node.pos)], node.pos);
      }
      case 'chain':
        return call(this.use('__field'), [this.arg(node.node), this.field(node.names, node.text, node.pos)], node.pos);
      case 'identifier':
        return this.command({ kind: 'command', pos: node.pos, args: [node], text: node.text }, undefined);
      case 'dot':
        return DOT;
      case 'nil':
        return { type: 'NullLiteral', loc: location(node.pos) };
      case 'bool':
        return { type: 'BooleanLiteral', value: node.value, original: node.value, loc: location(node.pos) } as hbs.AST.BooleanLiteral;
      case 'number':
        return numberLiteral(node.value);
      case 'string':
        return stringLiteral(node.value);
      case 'pipe':
        return this.pipe(node);
    }
  }

  private field(names: readonly string[], text: string, pos: Position): Expression {
    return this.addNode({ kind: 'field', names, text, pos });
  }
}

/** Builds and compiles the Handlebars program of a parsed template in an environment holding only the helpers it uses. */
export function compileProgram(parsed: ParsedTemplate): CompiledProgram {
  const builder = new ProgramBuilder();
  const ast = program(builder.list(parsed.root, false));
  // A private environment per template: Handlebars re-wraps every registered helper on each render,
  // so a shared environment with all ~170 functions would cost that much per render.
  const env = Handlebars.create();
  for (const name of Object.keys(env.helpers)) env.unregisterHelper(name);
  const knownHelpers: Record<string, boolean> = {};
  for (const name of builder.helpersUsed) {
    const internal = Object.prototype.hasOwnProperty.call(internalHelpers, name) ? internalHelpers[name] : undefined;
    const goFunction = templateFunctions.get(name);
    env.registerHelper(name, (internal ?? functionHelper(name, goFunction!)) as Handlebars.HelperDelegate);
    knownHelpers[name] = true;
  }
  const options = { noEscape: true, strict: false, compat: false, data: true, knownHelpers, knownHelpersOnly: true, ignoreStandalone: true };
  const spec = env.precompile(ast, options) as unknown as string;
  // Same as Handlebars.compile, but eager: `compile` would defer code generation to the first render.
  const template = env.template(new Function(`return ${spec}`)() as TemplateSpecification);
  return { run: runner(template), nodes: builder.nodes };
}
