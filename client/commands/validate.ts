// `kanflow validate -f <file> [--hook] [--lenient]`: load and validate every Blueprint of a file.
import { BlueprintLoadError, formatLoadIssue, loadBlueprintFile } from '../../kanister/blueprint.js';
import { formatValidationIssue, validateBlueprint } from '../../kanister/validate.js';

export interface ValidateCommandOptions {
  readonly file: string;
  /** Validate for use as an execution hook (no `.Profile`, no `kando location`, no profile functions). */
  readonly hook?: boolean;
  /** Phase names reused across actions and unnamed phases become warnings. */
  readonly lenient?: boolean;
}

/** Prints warnings and errors; returns the exit code (1 when there is any error). */
export async function validateCommand(opts: ValidateCommandOptions, out: (line: string) => void = console.log): Promise<number> {
  let loaded;
  try {
    loaded = await loadBlueprintFile(opts.file);
  } catch (error) {
    if (error instanceof BlueprintLoadError) {
      for (const issue of error.issues) out(`error: ${formatLoadIssue(issue)}`);
      return 1;
    }
    out(`error: ${opts.file}: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
  for (const warning of loaded.warnings) out(`warning: ${warning}`);
  if (loaded.blueprints.length === 0) {
    out(`error: ${opts.file}: no Blueprint found`);
    return 1;
  }
  let errors = 0;
  for (const bp of loaded.blueprints) {
    const issues = validateBlueprint(bp, { hook: opts.hook ?? false, lenient: opts.lenient ?? false });
    for (const issue of issues) out(`${issue.severity}: ${formatValidationIssue(issue)}`);
    const count = issues.filter((issue) => issue.severity === 'error').length;
    errors += count;
    if (count === 0) out(`${bp.metadata.name}: valid${opts.hook ? ' for use as a hook' : ''}`);
  }
  return errors > 0 ? 1 : 0;
}
