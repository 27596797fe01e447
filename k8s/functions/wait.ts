// Wait and WaitV2 (kanister pkg/function/wait.go, waitv2.go): wait until `conditions` (anyOf/allOf of
// {condition, objectReference}) hold for the referenced objects, or fail at `timeout` (Go duration).
// Each referenced object is WATCHED and the conditions re-evaluated on every change.
// Wait:   `{ $.json.path }` is replaced by the object's value, then the text is rendered as a template.
// WaitV2: the condition is a Go template evaluated with the object as data (as kubectl's go-template
//         printer does); a template error counts as "not yet", as in Kanister.
import type { FunctionContext, KanisterFunction, PhaseOutput } from '../../kanister/functions/types.js';
import type { TemplateParams } from '../../kanister/params.js';
import { renderTemplate } from '../../kanister/template/index.js';
import type { KubeClients } from '../client.js';
import { describeApiError, isNotFound } from '../client.js';
import { collectionPath, groupVersionOf, objectPath } from '../object-api.js';
import { watchUntil } from '../watch.js';
import { ArgReader } from './args.js';
import { specOf } from './spec.js';

interface WaitCondition {
  condition: string;
  ref: { groupVersion: string; resource: string; name: string; namespace?: string };
}

type Evaluate = (condition: string, object: Record<string, unknown>) => boolean;

/** Go's time.ParseDuration for the units blueprints use (h, m, s, ms, us, ns; combined like 1h30m). */
export function parseGoDuration(text: string): number | undefined {
  const trimmed = text.trim();
  if (trimmed === '0') return 0;
  const units: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1, us: 0.001, µs: 0.001, ns: 0.000001 };
  const pattern = /(\d+(?:\.\d*)?|\.\d+)(h|ms|us|µs|ns|m|s)/gy;
  let total = 0;
  let consumed = 0;
  for (const match of trimmed.matchAll(pattern)) {
    total += Number(match[1]) * units[match[2]!]!;
    consumed += match[0].length;
  }
  return consumed === trimmed.length && consumed > 0 ? total : undefined;
}

/** Resolves a `$.a.b[0].c` JSONPath against `object`; undefined when a step is missing. */
export function resolveJsonPath(object: unknown, path: string): unknown {
  const steps = path.trim().replace(/^\$\.?/, '').match(/[^.[\]]+|\[\d+\]/g) ?? [];
  let current: unknown = object;
  for (const step of steps) {
    if (current === null || current === undefined) return undefined;
    const key = step.startsWith('[') ? Number(step.slice(1, -1)) : step;
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}

/** Wait (v1): substitutes `{ $.path }` with values of the object, then renders the template. */
export function evaluateWaitV1(condition: string, object: Record<string, unknown>): boolean {
  const substituted = condition.replace(/\{\s*(\$[^{}]*?)\s*\}/g, (_match, path: string) => {
    const value = resolveJsonPath(object, path);
    if (value === undefined) throw new Error(`JSONPath ${path} not found in the object`);
    return typeof value === 'string' ? value : JSON.stringify(value);
  });
  return renderTemplate(substituted, {}).trim() === 'true';
}

/** WaitV2: the condition is a Go template with the object as data. */
export function evaluateWaitV2(condition: string, object: Record<string, unknown>): boolean {
  try {
    return renderTemplate(condition, object).trim() === 'true';
  } catch {
    return false;
  }
}

export function createWait(clients: KubeClients, params?: TemplateParams): KanisterFunction {
  return createWaitFunction('Wait', clients, params, evaluateWaitV1, true);
}

export function createWaitV2(clients: KubeClients, params?: TemplateParams): KanisterFunction {
  return createWaitFunction('WaitV2', clients, params, evaluateWaitV2, false);
}

function createWaitFunction(name: 'Wait' | 'WaitV2', clients: KubeClients, params: TemplateParams | undefined, evaluate: Evaluate, rendersTimeout: boolean): KanisterFunction {
  const spec = specOf(name);
  return {
    ...spec,
    async execute(rawArgs: Record<string, unknown>, ctx: FunctionContext): Promise<PhaseOutput> {
      const args = new ArgReader(name, rawArgs, ctx);
      // The runner leaves Wait's args unrendered: objectReferences (and Wait's timeout) are rendered here.
      const render = (text: string): string => (params ? renderTemplate(text, params) : text);
      let timeoutText = args.string('timeout');
      if (rendersTimeout) timeoutText = render(timeoutText);
      const timeoutMs = parseGoDuration(timeoutText);
      if (timeoutMs === undefined) throw args.error('timeout', `not a Go duration: ${JSON.stringify(timeoutText)}`);
      const conditionsArg = args.optionalObject('conditions');
      if (!conditionsArg) throw args.error('conditions', 'required argument missing');
      const anyOf = readConditions(args, conditionsArg, 'anyOf', render);
      const allOf = readConditions(args, conditionsArg, 'allOf', render);
      if (anyOf.length === 0 && allOf.length === 0) throw args.error('conditions', 'needs anyOf or allOf conditions');

      const all = [...anyOf, ...allOf];
      const latest = new Map<number, Record<string, unknown> | undefined>();
      const satisfied = (): boolean => {
        const holds = (c: WaitCondition, i: number): boolean => {
          const object = latest.get(i);
          if (!object) return false;
          try {
            return evaluate(c.condition, object);
          } catch {
            return false;
          }
        };
        const anyOk = anyOf.length === 0 || anyOf.some((c, i) => holds(c, i));
        const allOk = allOf.every((c, i) => holds(c, anyOf.length + i));
        return anyOk && allOk;
      };

      const where = `${name} (phase ${JSON.stringify(ctx.phaseName)})`;
      const stop = new AbortController();
      const onAbort = (): void => stop.abort(ctx.signal.reason);
      ctx.signal.addEventListener('abort', onAbort, { once: true });
      try {
        const watches = all.map((condition, index) =>
          watchUntil<Record<string, unknown> & { metadata?: { resourceVersion?: string } }, true>(clients.kubeConfig, {
            listPath: collectionPath(condition.ref.groupVersion, condition.ref.resource, condition.ref.namespace),
            name: condition.ref.name,
            read: async () => {
              try {
                return await clients.objects.getRaw(objectPath(condition.ref.groupVersion, condition.ref.resource, condition.ref.name, condition.ref.namespace));
              } catch (error) {
                if (isNotFound(error)) return undefined;
                throw new Error(`${where}: reading ${condition.ref.resource} ${condition.ref.name}: ${describeApiError(error)}`, { cause: error });
              }
            },
            check: (object) => {
              latest.set(index, object);
              return satisfied() ? true : undefined;
            },
            signal: stop.signal,
            heartbeat: () => ctx.heartbeat(),
            timeoutMs,
            onTimeout: () => new Error(`${where}: conditions not met within ${timeoutText}`),
          }),
        );
        await Promise.race(watches);
        return {};
      } finally {
        ctx.signal.removeEventListener('abort', onAbort);
        stop.abort();
      }
    },
  };
}

function readConditions(args: ArgReader, conditions: Record<string, unknown>, key: 'anyOf' | 'allOf', render: (text: string) => string): WaitCondition[] {
  const list = conditions[key];
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) throw args.error(`conditions.${key}`, 'expected a list');
  return list.map((item: unknown, index) => {
    const at = `conditions.${key}[${index}]`;
    const entry = item as { condition?: unknown; objectReference?: Record<string, unknown> } | null;
    if (!entry || typeof entry.condition !== 'string') throw args.error(`${at}.condition`, 'required string');
    const ref = entry.objectReference;
    if (!ref || typeof ref !== 'object') throw args.error(`${at}.objectReference`, 'required');
    const field = (name: string): string | undefined => (typeof ref[name] === 'string' ? render(ref[name]) : undefined);
    const name = field('name');
    const resource = field('resource');
    if (!name) throw args.error(`${at}.objectReference.name`, 'required');
    if (!resource) throw args.error(`${at}.objectReference.resource`, 'required');
    return {
      condition: entry.condition,
      ref: { groupVersion: groupVersionOf({ apiVersion: field('apiVersion'), group: field('group') }), resource, name, namespace: field('namespace') || undefined },
    };
  });
}
