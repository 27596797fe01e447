// Lexer and recursive-descent parser for Go text/template syntax (as text/template/parse does it),
// producing the tree in ast.ts. Variables are resolved to storage slots here, since Go scopes them lexically.
import type {
  ArgNode,
  CommandNode,
  ParsedTemplate,
  PipeNode,
  Position,
  TemplateNode,
  VariableRef,
} from './ast.js';
import { TemplateSyntaxError } from './errors.js';

/** Returns an error message when `name` cannot be called, undefined when it can. */
export type FunctionCheck = (name: string) => string | undefined;

type TokenType =
  | 'text'
  | 'leftDelim'
  | 'rightDelim'
  | 'space'
  | 'identifier'
  | 'keyword'
  | 'field'
  | 'variable'
  | 'dot'
  | 'string'
  | 'rawString'
  | 'char'
  | 'number'
  | 'bool'
  | 'nil'
  | 'pipe'
  | 'leftParen'
  | 'rightParen'
  | 'declare'
  | 'assign'
  | 'comma'
  | 'eof';

interface Token {
  readonly type: TokenType;
  readonly value: string;
  readonly offset: number;
}

const KEYWORDS = new Set(['block', 'break', 'continue', 'define', 'else', 'end', 'if', 'range', 'template', 'with']);
const UNSUPPORTED_KEYWORDS = new Set(['block', 'define', 'template']);

const isSpace = (c: string): boolean => c === ' ' || c === '\t' || c === '\r' || c === '\n';
const isAlphaNumeric = (c: string): boolean => c === '_' || /^[\p{L}\p{Nd}]$/u.test(c);

/** Maps offsets to 1-based line and column. */
class LineIndex {
  private readonly starts: number[] = [0];
  constructor(source: string) {
    for (let i = 0; i < source.length; i++) if (source.charCodeAt(i) === 10) this.starts.push(i + 1);
  }
  position(offset: number): Position {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { offset, line: lo + 1, column: offset - this.starts[lo]! + 1 };
  }
}

function goRuneName(c: string): string {
  const code = c.codePointAt(0)!;
  return `U+${code.toString(16).toUpperCase().padStart(4, '0')} '${c}'`;
}

class Lexer {
  readonly tokens: Token[] = [];
  private pos = 0;
  private parenDepth = 0;

  constructor(
    private readonly src: string,
    private readonly fail: (offset: number, message: string, snippet?: string) => never,
  ) {}

  run(): Token[] {
    while (this.pos < this.src.length) this.lexText();
    this.emit('eof', '', this.src.length);
    return this.tokens;
  }

  private emit(type: TokenType, value: string, offset: number): void {
    this.tokens.push({ type, value, offset });
  }

  private lexText(): void {
    const start = this.pos;
    const open = this.src.indexOf('{{', start);
    if (open < 0) {
      this.emit('text', this.src.slice(start), start);
      this.pos = this.src.length;
      return;
    }
    const trimLeft = this.src[open + 2] === '-' && isSpace(this.src[open + 3] ?? '');
    let text = this.src.slice(start, open);
    if (trimLeft) text = text.replace(/[ \t\r\n]+$/, '');
    if (text.length > 0) this.emit('text', text, start);
    this.pos = open + 2 + (trimLeft ? 2 : 0);
    if (this.src.startsWith('/*', this.pos)) {
      this.lexComment(open);
      return;
    }
    this.emit('leftDelim', '{{', open);
    this.parenDepth = 0;
    this.lexInsideAction(open);
  }

  private lexComment(open: number): void {
    const end = this.src.indexOf('*/', this.pos + 2);
    if (end < 0) this.fail(open, 'unclosed comment');
    this.pos = end + 2;
    const close = this.atRightDelim();
    if (!close) this.fail(open, 'comment ends before closing delimiter');
    this.pos += close.trim ? 4 : 2;
    if (close.trim) this.skipSpaces();
  }

  private atRightDelim(): { trim: boolean } | undefined {
    if (this.src.startsWith(' -}}', this.pos) || this.src.startsWith('\t-}}', this.pos) ||
      this.src.startsWith('\n-}}', this.pos) || this.src.startsWith('\r-}}', this.pos)) return { trim: true };
    if (this.src.startsWith('}}', this.pos)) return { trim: false };
    return undefined;
  }

  private skipSpaces(): void {
    while (this.pos < this.src.length && isSpace(this.src[this.pos]!)) this.pos++;
  }

  private atTerminator(): boolean {
    const c = this.src[this.pos];
    if (c === undefined || isSpace(c)) return true;
    if ('.,|:()'.includes(c)) return true;
    return this.src.startsWith('}}', this.pos);
  }

  private lexInsideAction(open: number): void {
    for (;;) {
      const close = this.atRightDelim();
      if (close) {
        if (this.parenDepth > 0) this.fail(this.pos, 'unclosed left paren');
        if (close.trim) {
          this.emit('rightDelim', '}}', this.pos + 2);
          this.pos += 4;
          this.skipSpaces();
        } else {
          this.emit('rightDelim', '}}', this.pos);
          this.pos += 2;
        }
        return;
      }
      const start = this.pos;
      const c = this.src[this.pos];
      if (c === undefined) this.fail(open, 'unclosed action', this.src.slice(open, open + 40));
      if (isSpace(c)) {
        // Stop before a " -}}" so the trim marker is seen as such.
        while (this.pos < this.src.length && isSpace(this.src[this.pos]!) && !this.atRightDelim()) this.pos++;
        this.emit('space', this.src.slice(start, this.pos), start);
        continue;
      }
      this.pos++;
      switch (c) {
        case '"':
          this.lexQuote(start);
          continue;
        case '`':
          this.lexRawQuote(start);
          continue;
        case "'":
          this.lexChar(start);
          continue;
        case '$':
          this.lexWord(start, 'variable');
          continue;
        case '|':
          this.emit('pipe', '|', start);
          continue;
        case ',':
          this.emit('comma', ',', start);
          continue;
        case '(':
          this.parenDepth++;
          this.emit('leftParen', '(', start);
          continue;
        case ')':
          this.parenDepth--;
          if (this.parenDepth < 0) this.fail(start, `unexpected right paren`);
          this.emit('rightParen', ')', start);
          continue;
        case ':':
          if (this.src[this.pos] !== '=') this.fail(start, 'expected :=');
          this.pos++;
          this.emit('declare', ':=', start);
          continue;
        case '=':
          this.emit('assign', '=', start);
          continue;
        case '.': {
          const next = this.src[this.pos] ?? '';
          if (next >= '0' && next <= '9') {
            this.pos = start;
            this.lexNumber(start);
          } else if (next !== '' && isAlphaNumeric(next)) {
            this.lexWord(start, 'field');
          } else {
            this.emit('dot', '.', start);
          }
          continue;
        }
        default:
          break;
      }
      if (c === '+' || c === '-' || (c >= '0' && c <= '9')) {
        this.pos = start;
        this.lexNumber(start);
        continue;
      }
      if (isAlphaNumeric(c)) {
        this.pos = start;
        this.lexIdentifier(start);
        continue;
      }
      this.fail(start, `bad character ${goRuneName(c)}`, this.src.slice(open, this.pos + 10));
    }
  }

  private scanWordChars(): void {
    while (this.pos < this.src.length && isAlphaNumeric(this.src[this.pos]!)) this.pos++;
  }

  private checkTerminator(start: number): void {
    if (!this.atTerminator()) {
      const c = this.src[this.pos]!;
      const wordStart = this.src.lastIndexOf('{{', start);
      this.fail(this.pos, `bad character ${goRuneName(c)}`, this.src.slice(wordStart >= 0 ? wordStart : start, this.pos + 1));
    }
  }

  private lexWord(start: number, type: 'variable' | 'field'): void {
    this.scanWordChars();
    this.checkTerminator(start);
    this.emit(type, this.src.slice(start, this.pos), start);
  }

  private lexIdentifier(start: number): void {
    this.scanWordChars();
    this.checkTerminator(start);
    const word = this.src.slice(start, this.pos);
    if (KEYWORDS.has(word)) this.emit('keyword', word, start);
    else if (word === 'true' || word === 'false') this.emit('bool', word, start);
    else if (word === 'nil') this.emit('nil', word, start);
    else this.emit('identifier', word, start);
  }

  private lexNumber(start: number): void {
    const m = /^[+-]?(?:0[xX][0-9a-fA-F_]*\.?[0-9a-fA-F_]*(?:[pP][+-]?[0-9_]+)?|0[bB][01_]+|0[oO][0-7_]+|[0-9_]*\.?[0-9_]*(?:[eE][+-]?[0-9_]+)?)i?/.exec(
      this.src.slice(start),
    );
    const text = m ? m[0] : '';
    this.pos = start + text.length;
    if (text === '' || text === '+' || text === '-' || !this.atTerminator()) {
      while (this.pos < this.src.length && !this.atTerminator()) this.pos++;
      this.fail(start, `bad number syntax: "${this.src.slice(start, this.pos)}"`);
    }
    this.emit('number', text, start);
  }

  private lexQuote(start: number): void {
    for (;;) {
      const c = this.src[this.pos++];
      if (c === '\\') {
        if (this.pos < this.src.length && this.src[this.pos] !== '\n') {
          this.pos++;
          continue;
        }
      }
      if (c === undefined || c === '\n') this.fail(start, 'unterminated quoted string');
      if (c === '"') break;
    }
    this.emit('string', this.src.slice(start, this.pos), start);
  }

  private lexRawQuote(start: number): void {
    const end = this.src.indexOf('`', this.pos);
    if (end < 0) this.fail(start, 'unterminated raw quoted string');
    this.pos = end + 1;
    this.emit('rawString', this.src.slice(start, this.pos), start);
  }

  private lexChar(start: number): void {
    for (;;) {
      const c = this.src[this.pos++];
      if (c === '\\') {
        this.pos++;
        continue;
      }
      if (c === undefined || c === '\n') this.fail(start, 'unterminated character constant');
      if (c === "'") break;
    }
    this.emit('char', this.src.slice(start, this.pos), start);
  }
}

/** Decodes a Go interpreted string literal body (strconv.Unquote rules). */
export function unquoteGo(literal: string, quote: '"' | "'"): string {
  const body = literal.slice(1, -1);
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const e = body[++i];
    const simple: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\' };
    if (e === undefined) throw new Error('invalid syntax');
    if (e in simple) out += simple[e];
    else if (e === quote) out += e;
    else if (e === 'x' || e === 'u' || e === 'U') {
      const n = e === 'x' ? 2 : e === 'u' ? 4 : 8;
      const hex = body.slice(i + 1, i + 1 + n);
      if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== n) throw new Error('invalid syntax');
      const code = parseInt(hex, 16);
      // \x is a byte: decode a run of them as UTF-8, as Go strings are bytes.
      out += e === 'x' ? String.fromCharCode(code) : String.fromCodePoint(code);
      i += n;
    } else if (e >= '0' && e <= '7') {
      const oct = body.slice(i, i + 3);
      if (!/^[0-7]{3}$/.test(oct)) throw new Error('invalid syntax');
      out += String.fromCharCode(parseInt(oct, 8));
      i += 2;
    } else throw new Error('invalid syntax');
  }
  return out;
}

function parseGoNumber(text: string): number | undefined {
  if (text.endsWith('i')) return undefined; // complex constants
  const clean = text.replace(/_/g, '');
  let sign = 1;
  let body = clean;
  if (body.startsWith('+') || body.startsWith('-')) {
    sign = body.startsWith('-') ? -1 : 1;
    body = body.slice(1);
  }
  let value: number;
  if (/^0[xX][0-9a-fA-F]+$/.test(body)) value = parseInt(body.slice(2), 16);
  else if (/^0[bB][01]+$/.test(body)) value = parseInt(body.slice(2), 2);
  else if (/^0[oO][0-7]+$/.test(body)) value = parseInt(body.slice(2), 8);
  else if (/^0[0-7]+$/.test(body)) value = parseInt(body.slice(1), 8);
  else if (/^(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(body)) value = Number(body);
  else return undefined;
  return sign * value;
}

interface Scope {
  readonly name: string;
  readonly slot: string;
}

class Parser {
  private index = 0;
  private readonly vars: Scope[] = [{ name: '$', slot: 'root' }];
  private slotCount = 0;
  private rangeDepth = 0;

  constructor(
    private readonly src: string,
    private readonly tokens: Token[],
    private readonly lines: LineIndex,
    private readonly checkFunction: FunctionCheck,
    private readonly fail: (offset: number, message: string, snippet?: string) => never,
  ) {}

  parse(): ParsedTemplate {
    const root: TemplateNode[] = [];
    for (;;) {
      const t = this.peek();
      if (t.type === 'eof') break;
      const node = this.textOrAction();
      if (node === 'end' || node === 'else') this.fail(t.offset, `unexpected {{${node}}}`, this.actionText(t.offset));
      if (node) root.push(node);
    }
    return { source: this.src, root, slotCount: this.slotCount };
  }

  private pos(offset: number): Position {
    return this.lines.position(offset);
  }

  private actionText(offset: number): string {
    const end = this.src.indexOf('}}', offset);
    return this.src.slice(offset, end < 0 ? offset + 40 : end + 2);
  }

  private peek(): Token {
    return this.tokens[this.index]!;
  }

  private next(): Token {
    return this.tokens[this.index++]!;
  }

  private peekNonSpace(): Token {
    while (this.peek().type === 'space') this.index++;
    return this.peek();
  }

  private nextNonSpace(): Token {
    this.peekNonSpace();
    return this.next();
  }

  private unexpected(t: Token, context: string): never {
    const what = t.type === 'eof' ? 'EOF' : t.type === 'rightDelim' ? '"}}"' : `<${t.value}>`;
    this.fail(t.offset, `unexpected ${what} in ${context}`, this.actionText(t.offset));
  }

  /** One text or action; returns the keyword for `{{end}}`/`{{else}}` so block parsers can stop. */
  private textOrAction(): TemplateNode | 'end' | 'else' | undefined {
    const t = this.next();
    if (t.type === 'text') return { kind: 'text', text: t.value };
    if (t.type !== 'leftDelim') this.unexpected(t, 'input');
    return this.action(t.offset);
  }

  private action(open: number): TemplateNode | 'end' | 'else' {
    const t = this.peekNonSpace();
    if (t.type === 'keyword') {
      this.next();
      if (UNSUPPORTED_KEYWORDS.has(t.value)) {
        this.fail(t.offset, `{{${t.value}}} is not supported by kanflow (templates are rendered one string at a time)`, this.actionText(open));
      }
      switch (t.value) {
        case 'end':
        case 'else':
          if (t.value === 'end') this.expectRightDelim('end');
          return t.value;
        case 'if':
        case 'with':
        case 'range':
          return this.control(t.value, open);
        case 'break':
        case 'continue':
          if (this.rangeDepth === 0) this.fail(t.offset, `{{${t.value}}} outside {{range}}`, this.actionText(open));
          this.expectRightDelim(t.value);
          return { kind: t.value, pos: this.pos(open) };
      }
    }
    const pipe = this.pipeline('command', 'rightDelim', open);
    return { kind: 'action', pos: this.pos(open), pipe };
  }

  private expectRightDelim(context: string): void {
    const t = this.nextNonSpace();
    if (t.type !== 'rightDelim') this.unexpected(t, context);
  }

  /** Parses a list until `{{end}}` or `{{else}}`. */
  private itemList(context: string, open: number): { list: TemplateNode[]; terminator: 'end' | 'else' } {
    const list: TemplateNode[] = [];
    const mark = this.vars.length;
    for (;;) {
      if (this.peek().type === 'eof') this.fail(open, `unexpected EOF: {{${context}}} has no matching {{end}}`, this.actionText(open));
      const node = this.textOrAction();
      if (node === 'end' || node === 'else') {
        this.vars.length = mark;
        return { list, terminator: node };
      }
      if (node) list.push(node);
    }
  }

  private control(context: 'if' | 'with' | 'range', open: number): TemplateNode {
    const mark = this.vars.length;
    const pipe = this.pipeline(context, 'rightDelim', open);
    if (context === 'range') this.rangeDepth++;
    const body = this.itemList(context, open);
    if (context === 'range') this.rangeDepth--;
    let elseList: TemplateNode[] | undefined;
    if (body.terminator === 'else') {
      const after = this.peekNonSpace();
      if ((context === 'if' || context === 'with') && after.type === 'keyword' && after.value === context) {
        // `{{else if x}}` is `{{else}}{{if x}}...{{end}}{{end}}` with the inner {{end}} shared.
        this.next();
        elseList = [this.control(context, after.offset)];
      } else {
        this.expectRightDelim('else');
        const elsePart = this.itemList(context, open);
        if (elsePart.terminator !== 'end') this.fail(open, `expected {{end}}; found {{else}}`, this.actionText(open));
        elseList = elsePart.list;
      }
    }
    this.vars.length = mark;
    return { kind: context, pos: this.pos(open), pipe, list: body.list, elseList };
  }

  private declareVariable(name: string): VariableRef {
    const slot = `v${++this.slotCount}`;
    this.vars.push({ name, slot });
    return { name, slot };
  }

  private lookupVariable(t: Token): VariableRef {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      const v = this.vars[i]!;
      if (v.name === t.value) return { name: v.name, slot: v.slot };
    }
    this.fail(t.offset, `undefined variable "${t.value}"`, t.value);
  }

  private pipeline(context: string, end: 'rightDelim' | 'rightParen', open: number): PipeNode {
    const start = this.peekNonSpace().offset;
    const declared: Token[] = [];
    let isAssign = false;
    let hasDecl = false;
    // Declarations: `$x :=`, `$x =`, and in range `$k, $v :=`.
    for (;;) {
      const v = this.peekNonSpace();
      if (v.type !== 'variable') break;
      const save = this.index;
      this.next();
      const op = this.peekNonSpace();
      if (op.type === 'declare' || op.type === 'assign') {
        this.next();
        declared.push(v);
        isAssign = op.type === 'assign';
        hasDecl = true;
        break;
      }
      if (op.type === 'comma' && context === 'range' && declared.length === 0) {
        this.next();
        declared.push(v);
        if (this.peekNonSpace().type !== 'variable') this.fail(op.offset, 'range can only initialize variables', this.actionText(open));
        continue;
      }
      if (op.type === 'comma') this.fail(op.offset, `too many declarations in ${context}`, this.actionText(open));
      this.index = save;
      break;
    }
    if (declared.length > 0 && !hasDecl) this.fail(declared[0]!.offset, 'range can only initialize variables', this.actionText(open));
    const cmds: CommandNode[] = [];
    for (;;) {
      const t = this.peekNonSpace();
      if (t.type === end) {
        this.next();
        break;
      }
      switch (t.type) {
        case 'bool':
        case 'char':
        case 'dot':
        case 'field':
        case 'identifier':
        case 'number':
        case 'nil':
        case 'rawString':
        case 'string':
        case 'variable':
        case 'leftParen':
          cmds.push(this.command(end));
          continue;
        default:
          this.unexpected(t, context);
      }
    }
    const endOffset = this.tokens[this.index - 1]!.offset;
    const text = this.src.slice(start, endOffset).trim();
    if (cmds.length === 0) this.fail(open, `missing value for ${context}`, this.actionText(open));
    cmds.slice(1).forEach((c, i) => {
      const first = c.args[0]!;
      if (['bool', 'dot', 'nil', 'number', 'string'].includes(first.kind)) {
        this.fail(first.pos.offset, `non executable command in pipeline stage ${i + 2}`, c.text);
      }
    });
    // Variables become visible after their declaring pipeline (Go pushes them while parsing it).
    let decl: VariableRef[];
    if (isAssign) decl = declared.map((t) => this.lookupVariable(t));
    else decl = declared.map((t) => this.declareVariable(t.value));
    if (decl.length > 1 && context !== 'range') this.fail(start, `too many declarations in ${context}`, text);
    return { kind: 'pipe', pos: this.pos(start), decl, isAssign, cmds, text };
  }

  private command(end: 'rightDelim' | 'rightParen'): CommandNode {
    const start = this.peekNonSpace().offset;
    const args: ArgNode[] = [];
    for (;;) {
      this.peekNonSpace();
      const operand = this.operand();
      if (operand) args.push(operand);
      const t = this.next();
      if (t.type === 'space') continue;
      if (t.type === end) {
        this.index--;
        break;
      }
      if (t.type === 'pipe') break;
      if (t.type === 'rightDelim' || t.type === 'rightParen') this.unexpected(t, 'operand');
      this.unexpected(t, 'operand');
    }
    if (args.length === 0) this.fail(start, 'empty command', this.actionText(start));
    const endOffset = this.tokens[this.index - 1]!.offset;
    const text = this.src.slice(start, endOffset).replace(/\s*\|?\s*$/, '');
    const first = args[0]!;
    if (first.kind === 'nil') this.fail(first.pos.offset, 'nil is not a command', text);
    if (args.length > 1 && first.kind !== 'identifier') {
      this.fail(first.pos.offset, `can't give argument to non-function ${first.text}`, text);
    }
    return { kind: 'command', pos: this.pos(start), args, text };
  }

  private operand(): ArgNode | undefined {
    const node = this.term();
    if (!node) return undefined;
    if (this.peek().type !== 'field') return node;
    const names: string[] = [];
    let endOffset = node.pos.offset;
    while (this.peek().type === 'field') {
      const f = this.next();
      names.push(f.value.slice(1));
      endOffset = f.offset + f.value.length;
    }
    const text = this.src.slice(node.pos.offset, endOffset);
    switch (node.kind) {
      case 'field':
        return { ...node, names: [...node.names, ...names], text };
      case 'variable':
        return { ...node, names: [...node.names, ...names], text };
      case 'bool':
      case 'string':
      case 'number':
      case 'nil':
      case 'dot':
        this.fail(node.pos.offset, `unexpected . after term "${node.text}"`, text);
        break;
      default:
        return { kind: 'chain', pos: node.pos, node, names, text };
    }
  }

  private term(): ArgNode | undefined {
    const t = this.nextNonSpace();
    const pos = this.pos(t.offset);
    switch (t.type) {
      case 'identifier': {
        const problem = this.checkFunction(t.value);
        if (problem) this.fail(t.offset, problem, t.value);
        return { kind: 'identifier', pos, name: t.value, text: t.value };
      }
      case 'dot':
        return { kind: 'dot', pos, text: '.' };
      case 'nil':
        return { kind: 'nil', pos, text: 'nil' };
      case 'variable':
        return { kind: 'variable', pos, variable: this.lookupVariable(t), names: [], text: t.value };
      case 'field':
        return { kind: 'field', pos, names: [t.value.slice(1)], text: t.value };
      case 'bool':
        return { kind: 'bool', pos, value: t.value === 'true', text: t.value };
      case 'number': {
        const value = parseGoNumber(t.value);
        if (value === undefined) this.fail(t.offset, `illegal number syntax: "${t.value}"`, t.value);
        return { kind: 'number', pos, value, text: t.value };
      }
      case 'char': {
        let decoded: string;
        try {
          decoded = unquoteGo(t.value, "'");
        } catch {
          this.fail(t.offset, `malformed character constant: ${t.value}`, t.value);
        }
        if ([...decoded].length !== 1) this.fail(t.offset, `malformed character constant: ${t.value}`, t.value);
        return { kind: 'number', pos, value: decoded.codePointAt(0)!, text: t.value };
      }
      case 'string': {
        let value: string;
        try {
          value = unquoteGo(t.value, '"');
        } catch {
          this.fail(t.offset, `invalid syntax in string literal ${t.value}`, t.value);
        }
        return { kind: 'string', pos, value, text: t.value };
      }
      case 'rawString':
        return { kind: 'string', pos, value: t.value.slice(1, -1).replace(/\r/g, ''), text: t.value };
      case 'leftParen': {
        const pipe = this.pipeline('parenthesized pipeline', 'rightParen', t.offset);
        const close = this.tokens[this.index - 1]!;
        return { ...pipe, text: this.src.slice(t.offset, close.offset + 1) };
      }
      default:
        this.index--;
        return undefined;
    }
  }
}

/** Parses one template; throws TemplateSyntaxError with Go-style text (`template: config:<line>:<col>: ...`). */
export function parseTemplate(source: string, checkFunction: FunctionCheck): ParsedTemplate {
  const lines = new LineIndex(source);
  const fail = (offset: number, message: string, snippet?: string): never => {
    const { line, column } = lines.position(offset);
    const shown = snippet ?? source.slice(offset, offset + 30);
    throw new TemplateSyntaxError(`template: config:${line}:${column}: ${message} (in ${JSON.stringify(shown)})`, line, column, shown);
  };
  const tokens = new Lexer(source, fail).run();
  return new Parser(source, tokens, lines, checkFunction, fail).parse();
}
