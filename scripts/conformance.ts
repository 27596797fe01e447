// Kanister conformance: loads every blueprint of a folder (default: the 49 upstream examples in
// ../shared/conformance/kanister-blueprints), validates each (lenient: real blueprints reuse phase names
// across actions) and renders every templated string of every phase and output artifact with a
// realistic parameter set. `npm run conformance -- <folder>`. Exit code 1 if anything fails.
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadBlueprintFile } from '../kanister/blueprint.js';
import type { Blueprint, BlueprintAction } from '../kanister/blueprint.js';
import { actionNeedsProfile, buildPlaceholderParams, SAMPLE_PROFILE } from '../kanister/placeholder-params.js';
import type { PlaceholderValues } from '../kanister/placeholder-params.js';
import { compileTemplate, isTemplated, renderTemplate } from '../kanister/template/index.js';
import { templateSites } from '../kanister/template-sites.js';
import { formatValidationIssue, validateBlueprint } from '../kanister/validate.js';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const DEFAULT_FOLDER = path.resolve(REPO_ROOT, '../shared/conformance/kanister-blueprints');
const FIXED_TIME = new Date('2026-03-04T05:06:07.123Z');

/** Fake values shaped like what real phases and artifacts hold, so templates that post-process them work. */
const CONFORMANCE_VALUES: PlaceholderValues = {
  phaseOutput: (phase, key) => `${phase}-${key}`,
  deferPhaseOutput: (key) => `defer-${key}`,
  artifact: (artifact, key) => `${artifact}-${key}`,
  kopiaSnapshot: (artifact) => `{"id":"k${artifact}","size":1024}`,
  option: (key) => (/image/i.test(key) ? 'ghcr.io/kanisterio/kanister-tools:0.119.0' : key === 'pitr' ? '2026-03-01T12:00:00Z' : `${key}-option`),
  objectData: (kind, name, key) => `${kind.toLowerCase()}-${name}-${key}`,
  // Secret-like objects keep base64 text in `.Object.data` (templates pipe it through b64dec).
  objectField: (fieldPath) => (fieldPath[0] === 'data' ? Buffer.from(`${fieldPath.at(-1) ?? ''}-value`).toString('base64') : `${fieldPath.join('-')}-value`),
};

interface Failure {
  readonly file: string;
  readonly where: string;
  readonly reason: string;
}

interface FileReport {
  valid: boolean;
  templates: number;
  rendered: number;
  conditions: number;
  failures: Failure[];
}

async function checkFile(file: string): Promise<FileReport> {
  const name = path.basename(file);
  const report: FileReport = { valid: true, templates: 0, rendered: 0, conditions: 0, failures: [] };
  let blueprints: Blueprint[];
  try {
    ({ blueprints } = await loadBlueprintFile(file));
  } catch (error) {
    report.valid = false;
    report.failures.push({ file: name, where: 'load', reason: error instanceof Error ? error.message : String(error) });
    return report;
  }
  if (blueprints.length === 0) {
    report.valid = false;
    report.failures.push({ file: name, where: 'load', reason: 'no Blueprint document' });
  }
  for (const bp of blueprints) {
    for (const issue of validateBlueprint(bp, { lenient: true })) {
      if (issue.severity !== 'error') continue;
      report.valid = false;
      report.failures.push({ file: name, where: 'validate', reason: formatValidationIssue(issue) });
    }
    for (const [actionName, action] of Object.entries(bp.actions)) renderAction(name, bp, actionName, action, report);
  }
  return report;
}

function renderAction(file: string, bp: Blueprint, actionName: string, action: BlueprintAction, report: FileReport): void {
  const params = buildPlaceholderParams(action, {
    namespace: 'app-ns',
    blueprint: bp,
    time: FIXED_TIME,
    values: CONFORMANCE_VALUES,
    ...(actionNeedsProfile(action) ? { profile: SAMPLE_PROFILE } : {}),
  });
  for (const site of templateSites(action)) {
    if (!isTemplated(site.source)) continue;
    const where = `${bp.metadata.name}/${actionName}${site.phase ? ` phase "${site.phase.name}"` : ''} ${site.location}`;
    try {
      if (site.kind === 'condition') {
        // Wait/WaitV2 conditions are evaluated against the watched object by the function: parse only.
        compileTemplate(site.source);
        report.conditions += 1;
        continue;
      }
      report.templates += 1;
      params.CurrentPhase = site.phase ? (params.Phases[site.phase.name] ?? null) : null;
      renderTemplate(site.source, params);
      report.rendered += 1;
    } catch (error) {
      report.failures.push({ file, where, reason: `${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}` });
    }
  }
}

async function main(): Promise<number> {
  const folder = process.argv[2] ? path.resolve(process.argv[2]) : DEFAULT_FOLDER;
  if (!existsSync(folder)) {
    console.log(`conformance skipped: blueprint folder ${folder} not found`);
    return process.argv[2] ? 1 : 0;
  }
  const files = (await readdir(folder)).filter((f) => /\.ya?ml$/.test(f)).sort();
  let valid = 0;
  let templates = 0;
  let rendered = 0;
  let conditions = 0;
  const failures: Failure[] = [];
  for (const file of files) {
    const report = await checkFile(path.join(folder, file));
    if (report.valid) valid += 1;
    templates += report.templates;
    rendered += report.rendered;
    conditions += report.conditions;
    failures.push(...report.failures);
  }
  console.log(`${valid}/${files.length} blueprints valid, ${rendered}/${templates} templates rendered (${conditions} Wait conditions parsed)`);
  for (const failure of failures) console.log(`  FAIL ${failure.file}: ${failure.where}: ${failure.reason}`);
  return failures.length > 0 || valid < files.length ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.stack : error);
    process.exit(1);
  },
);
