// Where templates live in a blueprint action: every string Kanister treats as a Go template, with a
// readable location. Shared by validation, conformance and the render command so they agree on what
// gets rendered (phase args incl. map keys, phase objects, outputArtifacts; Wait/WaitV2 conditions apart).
import type { BlueprintAction, BlueprintPhase } from './blueprint.js';
import { rendersOwnArgs } from './functions/specs.js';

export type TemplateSiteKind =
  /** A string leaf inside a phase's args. */
  | 'arg'
  /** A map key inside a phase's args (Kanister renders keys too, e.g. PrepareData `volumes`). */
  | 'argKey'
  /** A Wait/WaitV2 condition: evaluated by the function against the watched object, not with params. */
  | 'condition'
  /** A field of a phase's `objects` reference, rendered once at action start. */
  | 'object'
  /** An outputArtifacts keyValue value or kopiaSnapshot, rendered after phases and deferPhase. */
  | 'artifact';

export interface TemplateSite {
  readonly kind: TemplateSiteKind;
  /** The phase (undefined for output artifacts). */
  readonly phase?: BlueprintPhase;
  readonly isDeferPhase: boolean;
  /** Argument path like `command[2]` or `podOverride.containers[0].image`; for objects `objects.db.name`. */
  readonly location: string;
  readonly source: string;
}

/** Phases of an action in execution order, the deferPhase last. */
export function actionPhases(action: BlueprintAction): { phase: BlueprintPhase; isDeferPhase: boolean }[] {
  const phases = action.phases.map((phase) => ({ phase, isDeferPhase: false }));
  if (action.deferPhase) phases.push({ phase: action.deferPhase, isDeferPhase: true });
  return phases;
}

/** Every string of the action that Kanister would treat as a template (templated or not). */
export function templateSites(action: BlueprintAction): TemplateSite[] {
  const sites: TemplateSite[] = [];
  for (const { phase, isDeferPhase } of actionPhases(action)) {
    for (const [name, ref] of Object.entries(phase.objects ?? {})) {
      for (const [field, value] of Object.entries(ref)) {
        if (typeof value === 'string') sites.push({ kind: 'object', phase, isDeferPhase, location: `objects.${name}.${field}`, source: value });
      }
    }
    const ownArgs = rendersOwnArgs(phase.func);
    for (const [argName, value] of Object.entries(phase.args)) {
      walkValue(value, argName, (kind, location, source) => {
        const isCondition = ownArgs && kind === 'arg' && /\.condition$/.test(location);
        sites.push({ kind: isCondition ? 'condition' : kind, phase, isDeferPhase, location, source });
      });
    }
  }
  for (const [name, artifact] of Object.entries(action.outputArtifacts ?? {})) {
    for (const [key, value] of Object.entries(artifact.keyValue ?? {})) {
      sites.push({ kind: 'artifact', isDeferPhase: false, location: `outputArtifacts.${name}.keyValue.${key}`, source: value });
    }
    if (artifact.kopiaSnapshot !== undefined) {
      sites.push({ kind: 'artifact', isDeferPhase: false, location: `outputArtifacts.${name}.kopiaSnapshot`, source: artifact.kopiaSnapshot });
    }
  }
  return sites;
}

export function appendPath(base: string, segment: string | number): string {
  if (typeof segment === 'number') return `${base}[${segment}]`;
  return /^[A-Za-z_][\w-]*$/.test(segment) ? `${base}.${segment}` : `${base}[${JSON.stringify(segment)}]`;
}

function walkValue(value: unknown, location: string, visit: (kind: 'arg' | 'argKey', location: string, source: string) => void): void {
  if (typeof value === 'string') {
    visit('arg', location, value);
  } else if (Array.isArray(value)) {
    value.forEach((item, index) => walkValue(item, appendPath(location, index), visit));
  } else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      const itemLocation = appendPath(location, key);
      visit('argKey', `${itemLocation} (key)`, key);
      walkValue(item, itemLocation, visit);
    }
  }
}
