// Phase output lines (kanister pkg/output): `###Phase-output###: {"key":"k","value":"v"}` anywhere in a
// line, payload trimmed and JSON-decoded, last duplicate key wins, a bad payload fails the phase.
// Any program can print the line itself: hooks need no `kando` binary (docs/hook-outputs.md).

export const PHASE_OUTPUT_MARKER = '###Phase-output###:';

/** Outputs parsed from a log stream: key → string value. */
export type ParsedPhaseOutput = Record<string, string>;

export class PhaseOutputError extends Error {
  override readonly name = 'PhaseOutputError';
  constructor(
    message: string,
    /** 1-based line number in the stream. */
    readonly line: number,
  ) {
    super(message);
  }
}

/** Formats one output line exactly as `kando output <key> <value>` prints it (Go JSON escaping). */
export function formatPhaseOutputLine(key: string, value: string): string {
  return `${PHASE_OUTPUT_MARKER} ${goJson({ key, value })}`;
}

/**
 * Incremental parser for log chunks: push() as bytes arrive (lines may split anywhere), result() at the
 * end. Lines without the marker go to `onLog`, as Kanister logs them.
 */
export class PhaseOutputCollector {
  private readonly outputs: ParsedPhaseOutput = {};
  private partial = '';
  private lineNumber = 0;
  /** Kanister quirk: a marker prefix ending one line joins a marker rest starting the next. */
  private pendingMarkerPrefix = '';

  constructor(private readonly onLog?: (line: string) => void) {}

  push(chunk: string | Uint8Array): void {
    const text = typeof chunk === 'string' ? chunk : this.decoder.decode(chunk, { stream: true });
    const lines = (this.partial + text).split('\n');
    this.partial = lines.pop() ?? '';
    for (const line of lines) this.processLine(line);
  }

  /** Flushes an unterminated last line and returns the outputs. Throws PhaseOutputError on a bad payload. */
  result(): ParsedPhaseOutput {
    const rest = this.partial + this.decoder.decode();
    this.partial = '';
    if (rest) this.processLine(rest);
    return { ...this.outputs };
  }

  private readonly decoder = new TextDecoder();

  private processLine(rawLine: string): void {
    this.lineNumber += 1;
    const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
    const carried = this.pendingMarkerPrefix;
    this.pendingMarkerPrefix = '';
    if (line.trim() === '') return;

    let markerAt = line.indexOf(PHASE_OUTPUT_MARKER);
    let payloadStart = markerAt + PHASE_OUTPUT_MARKER.length;
    if (carried && line.startsWith(PHASE_OUTPUT_MARKER.slice(carried.length))) {
      markerAt = 0;
      payloadStart = PHASE_OUTPUT_MARKER.length - carried.length;
    }
    if (markerAt < 0) {
      this.pendingMarkerPrefix = trailingMarkerPrefix(line);
      this.onLog?.(line);
      return;
    }
    if (markerAt > 0) this.onLog?.(line.slice(0, markerAt));
    const payload = line.slice(payloadStart).trim();
    if (payload === '') return;
    const { key, value } = decodePayload(payload, this.lineNumber);
    this.outputs[key] = value;
  }
}

/** Parses a complete log text. Throws PhaseOutputError on a bad payload. */
export function parsePhaseOutput(text: string, onLog?: (line: string) => void): ParsedPhaseOutput {
  const collector = new PhaseOutputCollector(onLog);
  collector.push(text);
  return collector.result();
}

function decodePayload(payload: string, line: number): { key: string; value: string } {
  let decoded: unknown;
  try {
    decoded = JSON.parse(payload);
  } catch (error) {
    throw new PhaseOutputError(`phase output on line ${line} is not valid JSON (${(error as Error).message}): ${abbreviate(payload)}`, line);
  }
  if (typeof decoded !== 'object' || decoded === null || Array.isArray(decoded)) {
    throw new PhaseOutputError(`phase output on line ${line} must be a JSON object {"key":…,"value":…}: ${abbreviate(payload)}`, line);
  }
  const { key = '', value = '' } = decoded as { key?: unknown; value?: unknown };
  // Go decodes into {Key string; Value string}: a missing member is "", a non-string one an error.
  if (typeof key !== 'string' || typeof value !== 'string') {
    throw new PhaseOutputError(`phase output on line ${line} needs string "key" and "value" members: ${abbreviate(payload)}`, line);
  }
  return { key, value };
}

/** The longest proper prefix of the marker that ends `line` ('' if none). */
function trailingMarkerPrefix(line: string): string {
  for (let length = Math.min(PHASE_OUTPUT_MARKER.length - 1, line.length); length > 0; length -= 1) {
    if (line.endsWith(PHASE_OUTPUT_MARKER.slice(0, length))) return PHASE_OUTPUT_MARKER.slice(0, length);
  }
  return '';
}

function abbreviate(text: string): string {
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

/** JSON as Go's encoding/json writes it: HTML-sensitive characters and U+2028/2029 escaped. */
function goJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
