// Error types of the template engine: syntax errors at parse time, render errors at execution time.

/** A template that cannot be parsed (or uses a construct kanflow does not support). Line and column are 1-based. */
export class TemplateSyntaxError extends Error {
  override readonly name = 'TemplateSyntaxError';
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
    /** The source text the error points at. */
    readonly snippet: string,
  ) {
    super(message);
  }
}

/** A failure while executing a template: missing map key, nil pointer, a function error, ... */
export class TemplateRenderError extends Error {
  override readonly name = 'TemplateRenderError';
  constructor(
    message: string,
    /** The field path or expression being evaluated, e.g. `.Options.hello`. */
    readonly path?: string,
    readonly line?: number,
    readonly column?: number,
  ) {
    super(message);
  }
}

/**
 * Thrown by Go functions and value operations; the executor adds the template position.
 * Mirrors a Go `error` returned from a template function or from reflection.
 */
export class GoExecError extends Error {
  override readonly name = 'GoExecError';
}

/** Thrown for a missing map key under missingkey=error; Kanister rewrites the Go message to `"<key>" not found`. */
export class MissingKeyError extends GoExecError {
  constructor(readonly key: string) {
    super(`map has no entry for key "${key}"`);
  }
}
