// Every templated string of the public conformance blueprints (keys included) must parse as a
// Kanister template; rendering with real parameters is covered by the blueprint tests.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { compileTemplate, isTemplated } from '../../kanister/template/index.js';

const CORPUS = fileURLToPath(new URL('../../../../shared/conformance/kanister-blueprints/', import.meta.url));

/** Every string in a YAML value, map keys included, with a readable location. */
function* templatedStrings(value: unknown, where: string): Generator<{ where: string; source: string }> {
  if (typeof value === 'string') {
    if (isTemplated(value)) yield { where, source: value };
  } else if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) yield* templatedStrings(v, `${where}[${i}]`);
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (isTemplated(k)) yield { where: `${where} (key)`, source: k };
      yield* templatedStrings(v, `${where}.${k}`);
    }
  }
}

const files = existsSync(CORPUS) ? readdirSync(CORPUS).filter((f) => f.endsWith('.yaml')).sort() : [];

void test('the conformance corpus is present', { skip: files.length === 0 && 'conformance corpus not present' }, () => {
  assert.ok(files.length >= 49);
});

for (const file of files) {
  void test(`every template in ${file} parses`, () => {
    const documents = parseAllDocuments(readFileSync(path.join(CORPUS, file), 'utf8'));
    let count = 0;
    for (const doc of documents) {
      for (const { where, source } of templatedStrings(doc.toJS(), file)) {
        count++;
        assert.doesNotThrow(() => compileTemplate(source), `${where}: ${source}`);
      }
    }
    assert.ok(count > 0, `${file} has templates`);
  });
}
