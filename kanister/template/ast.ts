// The Go text/template parse tree, reduced to what text/template's parser produces for one template.

export interface Position {
  /** Byte offset in the source (UTF-16 index). */
  readonly offset: number;
  readonly line: number;
  /** 1-based. */
  readonly column: number;
}

export type TemplateNode = TextNode | ActionNode | IfNode | RangeNode | WithNode | LoopControlNode;

export interface TextNode {
  readonly kind: 'text';
  readonly text: string;
}

/** `{{ pipeline }}`: prints the value unless the pipeline declares or assigns variables. */
export interface ActionNode {
  readonly kind: 'action';
  readonly pos: Position;
  readonly pipe: PipeNode;
}

export interface IfNode {
  readonly kind: 'if';
  readonly pos: Position;
  readonly pipe: PipeNode;
  readonly list: TemplateNode[];
  readonly elseList: TemplateNode[] | undefined;
}

export interface WithNode {
  readonly kind: 'with';
  readonly pos: Position;
  readonly pipe: PipeNode;
  readonly list: TemplateNode[];
  readonly elseList: TemplateNode[] | undefined;
}

export interface RangeNode {
  readonly kind: 'range';
  readonly pos: Position;
  readonly pipe: PipeNode;
  readonly list: TemplateNode[];
  readonly elseList: TemplateNode[] | undefined;
}

export interface LoopControlNode {
  readonly kind: 'break' | 'continue';
  readonly pos: Position;
}

/** A variable resolved at parse time to a storage slot (`$` is the root slot). */
export interface VariableRef {
  readonly name: string;
  readonly slot: string;
}

export interface PipeNode {
  readonly kind: 'pipe';
  readonly pos: Position;
  /** Declared (`:=`) or assigned (`=`) variables. */
  readonly decl: VariableRef[];
  readonly isAssign: boolean;
  readonly cmds: CommandNode[];
  readonly text: string;
}

export interface CommandNode {
  readonly kind: 'command';
  readonly pos: Position;
  readonly args: ArgNode[];
  readonly text: string;
}

export type ArgNode =
  | FieldNode
  | VariableNode
  | ChainNode
  | IdentifierNode
  | DotNode
  | NilNode
  | BoolNode
  | NumberNode
  | StringNode
  | PipeNode;

/** `.A.B` on dot. */
export interface FieldNode {
  readonly kind: 'field';
  readonly pos: Position;
  readonly names: string[];
  readonly text: string;
}

/** `$x.A.B`, or `$`. */
export interface VariableNode {
  readonly kind: 'variable';
  readonly pos: Position;
  readonly variable: VariableRef;
  readonly names: string[];
  readonly text: string;
}

/** `(pipeline).A.B` */
export interface ChainNode {
  readonly kind: 'chain';
  readonly pos: Position;
  readonly node: ArgNode;
  readonly names: string[];
  readonly text: string;
}

/** A function name. */
export interface IdentifierNode {
  readonly kind: 'identifier';
  readonly pos: Position;
  readonly name: string;
  readonly text: string;
}

export interface DotNode {
  readonly kind: 'dot';
  readonly pos: Position;
  readonly text: string;
}

export interface NilNode {
  readonly kind: 'nil';
  readonly pos: Position;
  readonly text: string;
}

export interface BoolNode {
  readonly kind: 'bool';
  readonly pos: Position;
  readonly value: boolean;
  readonly text: string;
}

export interface NumberNode {
  readonly kind: 'number';
  readonly pos: Position;
  readonly value: number;
  readonly text: string;
}

export interface StringNode {
  readonly kind: 'string';
  readonly pos: Position;
  readonly value: string;
  readonly text: string;
}

export interface ParsedTemplate {
  readonly source: string;
  readonly root: TemplateNode[];
  /** Number of variable slots the template uses besides `$`. */
  readonly slotCount: number;
}
