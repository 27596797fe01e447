// `kanflow render -f <file> --action <name> --namespace <ns> [--option k=v]…`: print every phase's rendered
// arguments without running anything. Values only known at run time appear as placeholders, e.g.
// `<output of phase "X" key "Y">`.
import { stringify } from 'yaml';
import { loadBlueprintFile } from '../../kanister/blueprint.js';
import type { Blueprint } from '../../kanister/blueprint.js';
import { actionNeedsProfile, buildPlaceholderParams, RENDER_PLACEHOLDERS, SAMPLE_PROFILE } from '../../kanister/placeholder-params.js';
import { PhaseRenderError, renderPhaseArgs } from '../../kanister/runner.js';
import { isTemplated, renderTemplate } from '../../kanister/template/index.js';
import { actionPhases } from '../../kanister/template-sites.js';

export interface RenderCommandOptions {
  readonly file: string;
  readonly action: string;
  /** The subject namespace (`.Namespace.Name`, and the namespace of an inferred workload subject). */
  readonly namespace: string;
  readonly options: Record<string, string>;
  /** Which Blueprint of a multi-document file (default: the only one). */
  readonly blueprint?: string;
  /** Render as a hook: no location profile (rule A4). */
  readonly hook?: boolean;
}

/** Prints the rendered phases as YAML; returns the exit code (1 when anything fails to render). */
export async function renderCommand(opts: RenderCommandOptions, out: (line: string) => void = console.log): Promise<number> {
  const { blueprints } = await loadBlueprintFile(opts.file);
  const bp = pickBlueprint(blueprints, opts, out);
  if (!bp) return 1;
  const action = bp.actions[opts.action];
  if (!action) {
    out(`error: blueprint "${bp.metadata.name}" has no action "${opts.action}" (actions: ${Object.keys(bp.actions).join(', ') || 'none'})`);
    return 1;
  }
  const params = buildPlaceholderParams(action, {
    namespace: opts.namespace,
    blueprint: bp,
    options: opts.options,
    time: new Date(),
    values: RENDER_PLACEHOLDERS,
    ...(!opts.hook && actionNeedsProfile(action) ? { profile: SAMPLE_PROFILE } : {}),
  });

  let failed = false;
  const place = { blueprint: bp.metadata.name, action: opts.action };
  const document: Record<string, unknown> = { blueprint: bp.metadata.name, action: opts.action, time: params.Time, phases: [] };
  for (const { phase, isDeferPhase } of actionPhases(action)) {
    const entry: Record<string, unknown> = { name: phase.name, func: phase.func, ...(isDeferPhase ? { deferPhase: true } : {}) };
    try {
      params.CurrentPhase = params.Phases[phase.name] ?? null;
      entry.args = renderPhaseArgs(phase, params, { ...place, phase: phase.name });
    } catch (error) {
      failed = true;
      entry.error = error instanceof PhaseRenderError ? error.detail : String(error);
    }
    (document.phases as unknown[]).push(entry);
  }
  const artifacts: Record<string, unknown> = {};
  for (const [name, artifact] of Object.entries(action.outputArtifacts ?? {})) {
    const rendered: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(artifact.keyValue ?? {})) rendered[`keyValue.${key}`] = tryRender(value, params, () => (failed = true));
    if (artifact.kopiaSnapshot !== undefined) rendered.kopiaSnapshot = tryRender(artifact.kopiaSnapshot, params, () => (failed = true));
    artifacts[name] = rendered;
  }
  if (Object.keys(artifacts).length > 0) document.outputArtifacts = artifacts;
  out(stringify(document, { lineWidth: 0 }).trimEnd());
  return failed ? 1 : 0;
}

function tryRender(source: string, params: Parameters<typeof renderTemplate>[1], onError: () => void): string {
  if (!isTemplated(source)) return source;
  try {
    return renderTemplate(source, params);
  } catch (error) {
    onError();
    return `<error: ${error instanceof Error ? error.message : String(error)}>`;
  }
}

function pickBlueprint(blueprints: Blueprint[], opts: RenderCommandOptions, out: (line: string) => void): Blueprint | undefined {
  if (opts.blueprint) {
    const found = blueprints.find((bp) => bp.metadata.name === opts.blueprint);
    if (!found) out(`error: ${opts.file} has no Blueprint "${opts.blueprint}"`);
    return found;
  }
  if (blueprints.length !== 1) {
    out(`error: ${opts.file} holds ${blueprints.length} Blueprints: pick one with --blueprint (${blueprints.map((bp) => bp.metadata.name).join(', ')})`);
    return undefined;
  }
  return blueprints[0];
}
