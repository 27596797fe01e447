// Times validation of every conformance blueprint (target: all 49 in < 1 s). Loading is timed apart.
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { loadBlueprints } from '../kanister/blueprint.js';
import type { Blueprint } from '../kanister/blueprint.js';
import { clearTemplateCache } from '../kanister/template/index.js';
import { validateBlueprint } from '../kanister/validate.js';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const folder = process.argv[2] ? path.resolve(process.argv[2]) : path.resolve(REPO_ROOT, '../shared/conformance/kanister-blueprints');
const TARGET_MS = 1000;

async function main(): Promise<number> {
  if (!existsSync(folder)) {
    console.log(`bench:validate skipped: ${folder} not found`);
    return 0;
  }
  const files = (await readdir(folder)).filter((f) => /\.ya?ml$/.test(f)).sort();
  const texts = await Promise.all(files.map(async (f) => [f, await readFile(path.join(folder, f), 'utf8')] as const));

  const loadStart = performance.now();
  const blueprints: Blueprint[] = texts.flatMap(([file, text]) => loadBlueprints(text, file).blueprints);
  const loadMs = performance.now() - loadStart;

  // Cold: empty template cache, as for the first validation in a fresh worker.
  clearTemplateCache();
  const coldStart = performance.now();
  let issues = 0;
  for (const bp of blueprints) issues += validateBlueprint(bp, { lenient: true }).length;
  const coldMs = performance.now() - coldStart;

  const warmRuns = 5;
  const warmStart = performance.now();
  for (let i = 0; i < warmRuns; i += 1) for (const bp of blueprints) validateBlueprint(bp, { lenient: true });
  const warmMs = (performance.now() - warmStart) / warmRuns;

  console.log(`validated ${blueprints.length} blueprints (${issues} issues): cold ${coldMs.toFixed(1)} ms, warm ${warmMs.toFixed(1)} ms; YAML load ${loadMs.toFixed(1)} ms`);
  console.log(coldMs < TARGET_MS ? `OK: cold validation under ${TARGET_MS} ms` : `SLOW: cold validation over ${TARGET_MS} ms`);
  return coldMs < TARGET_MS ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
