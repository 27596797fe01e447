import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatPhaseOutputLine, parsePhaseOutput, PhaseOutputCollector, PhaseOutputError } from '../../kanister/output.js';

void test('a kando-style line yields its key and value', () => {
  assert.deepEqual(parsePhaseOutput('###Phase-output###: {"key":"k","value":"v"}\n'), { k: 'v' });
});

void test('the marker may appear anywhere in a line; the text before it is logged', () => {
  const logged: string[] = [];
  const out = parsePhaseOutput('2026-01-01 INFO ###Phase-output###: {"key":"version","value":"1.2"}\nplain line\n', (l) => logged.push(l));
  assert.deepEqual(out, { version: '1.2' });
  assert.deepEqual(logged, ['2026-01-01 INFO ', 'plain line']);
});

void test('empty lines are skipped and lines without the marker are only logged', () => {
  const logged: string[] = [];
  assert.deepEqual(parsePhaseOutput('\n\nhello\n\n', (l) => logged.push(l)), {});
  assert.deepEqual(logged, ['hello']);
});

void test('repeated keys: the last one wins', () => {
  const text = ['###Phase-output###: {"key":"k","value":"first"}', '###Phase-output###: {"key":"other","value":"x"}', '###Phase-output###: {"key":"k","value":"last"}'].join('\n');
  assert.deepEqual(parsePhaseOutput(text), { k: 'last', other: 'x' });
});

void test('the payload is whitespace-trimmed and an empty payload is ignored', () => {
  assert.deepEqual(parsePhaseOutput('###Phase-output###:    {"key":"a","value":"b"}   \r\n###Phase-output###:   \n'), { a: 'b' });
});

void test('invalid JSON fails the phase with a clear error naming the line', () => {
  assert.throws(() => parsePhaseOutput('ok\n###Phase-output###: {"key":"k","value":\n'), (error: unknown) => {
    assert.ok(error instanceof PhaseOutputError);
    assert.equal(error.line, 2);
    assert.match(error.message, /^phase output on line 2 is not valid JSON/);
    return true;
  });
});

void test('a non-string value fails the phase', () => {
  assert.throws(() => parsePhaseOutput('###Phase-output###: {"key":"n","value":3}'), PhaseOutputError);
});

void test('unknown members are ignored and a missing key member gives the empty key', () => {
  assert.deepEqual(parsePhaseOutput('###Phase-output###: {"value":"v","extra":1}'), { '': 'v' });
});

void test('escaped newlines and Go HTML escapes decode back to the original value', () => {
  const value = 'line1\nline2 <a&b> "q"';
  const line = formatPhaseOutputLine('multi', value);
  assert.equal(line, '###Phase-output###: {"key":"multi","value":"line1\\nline2 \\u003ca\\u0026b\\u003e \\"q\\""}');
  assert.deepEqual(parsePhaseOutput(line), { multi: value });
});

void test('values of hundreds of KB work (no 64 KiB line limit)', () => {
  const big = 'x'.repeat(300_000);
  assert.deepEqual(parsePhaseOutput(formatPhaseOutputLine('big', big)), { big });
});

void test('streaming: lines and markers split across chunks are reassembled', () => {
  const text = 'log a\n###Phase-output###: {"key":"k1","value":"v1"}\nlog b\n###Phase-output###: {"key":"k2","value":"v2"}';
  for (const size of [1, 3, 7, 19]) {
    const collector = new PhaseOutputCollector();
    for (let i = 0; i < text.length; i += size) collector.push(text.slice(i, i + size));
    assert.deepEqual(collector.result(), { k1: 'v1', k2: 'v2' }, `chunk size ${size}`);
  }
});

void test('streaming: byte chunks splitting a multi-byte character decode correctly', () => {
  const bytes = new TextEncoder().encode('###Phase-output###: {"key":"k","value":"héllo ✓"}\n');
  const collector = new PhaseOutputCollector();
  for (const byte of bytes) collector.push(new Uint8Array([byte]));
  assert.deepEqual(collector.result(), { k: 'héllo ✓' });
});

void test('Kanister quirk: a marker prefix ending one line joins the marker rest starting the next', () => {
  assert.deepEqual(parsePhaseOutput('some text ###Phase-out\nput###: {"key":"k","value":"v"}\n'), { k: 'v' });
});
