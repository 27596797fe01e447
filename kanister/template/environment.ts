// The non-hermetic inputs of template functions (clock, randomness, environment variables),
// injectable so tests and deterministic callers control them.

export interface TemplateEnvironment {
  /** Current time in epoch milliseconds (`now`, `date` of a non-time, `ago`). */
  now: () => number;
  /** Uniform random number in [0, 1) (`randAlphaNum`, `uuidv4`, `shuffle`, ...). */
  random: () => number;
  /** Variables visible to `env`/`expandenv`. Empty by default: the renderer's own environment is never exposed. */
  variables: Readonly<Record<string, string>>;
}

const defaults: TemplateEnvironment = { now: () => Date.now(), random: () => Math.random(), variables: {} };

export const templateEnvironment: TemplateEnvironment = { ...defaults };

/** Overrides parts of the environment; call with no argument to restore the defaults. */
export function setTemplateEnvironment(overrides?: Partial<TemplateEnvironment>): void {
  Object.assign(templateEnvironment, defaults, overrides ?? {});
}
