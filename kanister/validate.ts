// Blueprint validation: `kanctl validate blueprint` (known functions, required and supported args, unique
// phase names) and stricter: every template parses and only uses known params and functions, and for
// hooks (rule S2, A4) no `.Profile`, no `kando location`, no function that needs a location profile.
import type { Blueprint, BlueprintAction, BlueprintPhase } from './blueprint.js';
import { FUNCTION_SPECS } from './functions/specs.js';
import { compileTemplate, fieldPaths, functionNames, isTemplated, TemplateSyntaxError } from './template/index.js';
import { actionPhases, templateSites } from './template-sites.js';
import type { TemplateSite } from './template-sites.js';
import { TEMPLATE_FUNCTION_NAMES, TEMPLATE_PARAM_NAMES, UNAVAILABLE_FUNCTION_HINTS } from './template-vocabulary.js';

export interface ValidationIssue {
  readonly severity: 'error' | 'warning';
  readonly blueprint: string;
  readonly action?: string;
  readonly phase?: string;
  /** Argument path inside the phase's args, e.g. `command[2]`. */
  readonly argument?: string;
  /** Non-argument location: `objects.<name>.<field>` or `outputArtifacts.<name>.keyValue.<key>`. */
  readonly field?: string;
  readonly message: string;
}

export interface ValidateOptions {
  /** Validate for use as an execution hook: no location profile available (rules S2, A4). */
  readonly hook?: boolean;
  /** Downgrade rules real blueprints break (phase names reused across actions, unnamed phases) to warnings. */
  readonly lenient?: boolean;
  /** Only these actions (default: all). Unknown names are errors. */
  readonly actions?: readonly string[];
}

const KANDO_LOCATION = /\bkando\s+location\b/;

export function validateBlueprint(bp: Blueprint, options: ValidateOptions = {}): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const blueprint = bp.metadata.name;
  const actionNames = options.actions ?? Object.keys(bp.actions);
  const duplicateSeverity = options.lenient ? 'warning' : 'error';

  // Kanister requires phase names to be unique across the whole blueprint (all actions and deferPhases).
  const phaseOwners = new Map<string, string[]>();
  for (const [actionName, action] of Object.entries(bp.actions)) {
    for (const { phase } of actionPhases(action)) {
      if (phase.name) phaseOwners.set(phase.name, [...(phaseOwners.get(phase.name) ?? []), actionName]);
    }
  }

  for (const actionName of actionNames) {
    const action = bp.actions[actionName];
    if (!action) {
      issues.push({ severity: 'error', blueprint, action: actionName, message: `action "${actionName}" not found in blueprint` });
      continue;
    }
    const report = (issue: Omit<ValidationIssue, 'blueprint' | 'action'>): void => {
      issues.push({ blueprint, action: actionName, ...issue });
    };
    if (action.phases.length === 0) report({ severity: 'error', message: 'action has no phases' });

    const seenInAction = new Set<string>();
    for (const { phase, isDeferPhase } of actionPhases(action)) {
      const phaseLabel = phase.name || undefined;
      if (!phase.name) {
        // Kanister accepts an unnamed deferPhase (nothing refers to it by name); a phase needs a name.
        report({
          severity: isDeferPhase ? 'warning' : duplicateSeverity,
          message: `${isDeferPhase ? 'deferPhase' : 'phase'} (${phase.func}) has no name`,
        });
      } else if (seenInAction.has(phase.name)) {
        // Within one action a repeated name would make `.Phases.<name>` ambiguous: always an error.
        report({ severity: 'error', phase: phase.name, message: `duplicate phase name "${phase.name}" in action "${actionName}"` });
      } else {
        seenInAction.add(phase.name);
        const otherActions = (phaseOwners.get(phase.name) ?? []).filter((owner) => owner !== actionName);
        if (otherActions.length > 0) {
          report({
            severity: duplicateSeverity,
            phase: phase.name,
            message: `phase name "${phase.name}" is also used in action ${otherActions.map((a) => `"${a}"`).join(', ')}: Kanister requires phase names unique across the blueprint`,
          });
        }
      }
      checkFunctionAndArgs(phase, phaseLabel, options, report);
    }

    for (const site of templateSites(action)) checkTemplateSite(site, action, options, report);
  }
  return issues;
}

function checkFunctionAndArgs(
  phase: BlueprintPhase,
  phaseLabel: string | undefined,
  options: ValidateOptions,
  report: (issue: Omit<ValidationIssue, 'blueprint' | 'action'>) => void,
): void {
  const spec = FUNCTION_SPECS.get(phase.func);
  if (!spec) {
    const suggestion = closestFunctionName(phase.func);
    const hint = suggestion
      ? ` (did you mean "${suggestion}"?${suggestion.toLowerCase() === phase.func.toLowerCase() ? ' names are case-sensitive' : ''})`
      : '';
    report({ severity: 'error', phase: phaseLabel, message: `function "${phase.func}" is not a Kanister function${hint}` });
    return;
  }
  if (spec.lifecycleNote) report({ severity: 'warning', phase: phaseLabel, message: `function ${spec.name} is ${spec.lifecycleNote}` });
  if (options.hook && spec.needsProfile) {
    report({
      severity: 'error',
      phase: phaseLabel,
      message: `function ${spec.name} needs a location profile, which execution hooks do not have`,
    });
  }
  for (const required of spec.requiredArgs) {
    if (!(required in phase.args)) {
      report({ severity: 'error', phase: phaseLabel, argument: required, message: `required argument missing for ${spec.name}` });
    }
  }
  const supported = new Set([...spec.requiredArgs, ...spec.optionalArgs]);
  for (const argument of Object.keys(phase.args)) {
    if (!supported.has(argument)) {
      report({
        severity: 'error',
        phase: phaseLabel,
        argument,
        message: `argument not supported by ${spec.name} (supported: ${[...supported].join(', ')})`,
      });
    }
  }
}

function checkTemplateSite(
  site: TemplateSite,
  action: BlueprintAction,
  options: ValidateOptions,
  report: (issue: Omit<ValidationIssue, 'blueprint' | 'action'>) => void,
): void {
  const where = {
    phase: site.phase?.name || undefined,
    ...(site.kind === 'object' || site.kind === 'artifact' ? { field: site.location } : { argument: site.location }),
  };
  if (options.hook && KANDO_LOCATION.test(site.source)) {
    report({ severity: 'error', ...where, message: '`kando location` needs a location profile, which execution hooks do not have' });
  }
  if (!isTemplated(site.source)) return;

  try {
    compileTemplate(site.source);
  } catch (error) {
    // A Wait/WaitV2 condition is the function's business (WaitV2 treats a bad one as "not met"): warn only.
    report({ severity: site.kind === 'condition' ? 'warning' : 'error', ...where, message: templateErrorMessage(error) });
    return;
  }

  for (const name of functionNames(site.source)) {
    if (TEMPLATE_FUNCTION_NAMES.has(name)) continue;
    const hint = UNAVAILABLE_FUNCTION_HINTS.get(name);
    report({
      severity: 'error',
      ...where,
      message: `template: function "${name}" not defined${hint ? ` (${hint}; Kanister uses sprig v2.22)` : ''}`,
    });
  }
  // Conditions are evaluated against the watched object, not the params: their fields are the object's.
  if (site.kind === 'condition') return;

  const paths = fieldPaths(site.source);
  // One report per string, naming the most specific `.Profile` path (`$p := .Profile` adds a shorter one).
  const profilePath = paths.filter((path) => path[0] === 'Profile').sort((a, b) => b.length - a.length)[0];
  if (profilePath && options.hook) {
    report({ severity: 'error', ...where, message: `template uses .${profilePath.join('.')}: execution hooks have no location profile` });
  }
  for (const path of paths) {
    const [top, name, member] = path;
    if (top === undefined) continue;
    if (!TEMPLATE_PARAM_NAMES.has(top)) {
      report({ severity: 'error', ...where, message: `template: unknown parameter ".${top}"` });
    } else if (top === 'Phases' && name !== undefined && member === 'Output') {
      checkPhaseReference(site, action, name, path, where, report);
    } else if (top === 'ArtifactsIn' && name !== undefined && action.inputArtifactNames && !action.inputArtifactNames.includes(name)) {
      // Kanister does not read inputArtifactNames; real blueprints omit entries, so this only warns.
      report({ severity: 'warning', ...where, message: `template uses .ArtifactsIn.${name}, not listed in inputArtifactNames` });
    }
  }
}

/** `.Phases.<name>.Output` only exists for phases of this action that completed before the template renders. */
function checkPhaseReference(
  site: TemplateSite,
  action: BlueprintAction,
  name: string,
  path: readonly string[],
  where: { phase?: string; argument?: string; field?: string },
  report: (issue: Omit<ValidationIssue, 'blueprint' | 'action'>) => void,
): void {
  const index = action.phases.findIndex((phase) => phase.name === name);
  const exists = index >= 0;
  let visible = exists;
  if (site.kind === 'object') visible = false; // objects render before any phase runs
  else if (site.phase && !site.isDeferPhase) visible = exists && index < action.phases.indexOf(site.phase);
  if (!visible) {
    const why = !exists
      ? `action has no phase "${name}"`
      : site.kind === 'object'
        ? 'objects are rendered before any phase runs'
        : `phase "${name}" has not run yet at that point`;
    report({ severity: 'warning', ...where, message: `template uses .${path.join('.')}, which will not render: ${why}` });
  }
}

/** A registered function name within edit distance 2 (case-insensitive), for "did you mean". */
function closestFunctionName(name: string): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const candidate of FUNCTION_SPECS.keys()) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance <= 2 && (!best || distance < best.distance)) best = { name: candidate, distance };
  }
  return best?.name;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

function templateErrorMessage(error: unknown): string {
  if (error instanceof TemplateSyntaxError) {
    // The engine prefixes Go's `template: config:<line>:<col>:`; we show the position once, at the end.
    const text = error.message.replace(/^template:\s*/, '').replace(/^config:\d+(:\d+)?:\s*/, '');
    const at = `${error.line}:${error.column}`;
    return `template: ${text.endsWith(at) ? text : `${text} at ${at}`}`;
  }
  return `template: ${error instanceof Error ? error.message.replace(/^template:\s*/, '') : String(error)}`;
}

/** `hook-blueprint/pre-export phase "hookPhase" arg "command[2]": template: unexpected "}" at 1:14` */
export function formatValidationIssue(issue: ValidationIssue): string {
  let text = issue.action ? `${issue.blueprint}/${issue.action}` : issue.blueprint;
  if (issue.phase) text += ` phase "${issue.phase}"`;
  if (issue.argument) text += ` arg "${issue.argument}"`;
  if (issue.field) text += ` field "${issue.field}"`;
  return `${text}: ${issue.message}`;
}

export function hasErrors(issues: readonly ValidationIssue[]): boolean {
  return issues.some((issue) => issue.severity === 'error');
}

/** Short alias used by the setup activity. */
export const formatIssue = formatValidationIssue;
