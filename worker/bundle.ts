// Where the compiled workflows and their prebuilt bundle live (both under dist/).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const distDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const WORKFLOWS_PATH = path.join(distDir, 'workflows', 'index.js');
export const WORKFLOW_BUNDLE_PATH = path.join(distDir, 'workflow-bundle.js');

/** The prebuilt bundle when `npm run build` made one, else the workflow sources (bundled at start). */
export function workflowSource(): { workflowBundle: { codePath: string } } | { workflowsPath: string } {
  return existsSync(WORKFLOW_BUNDLE_PATH) ? { workflowBundle: { codePath: WORKFLOW_BUNDLE_PATH } } : { workflowsPath: WORKFLOWS_PATH };
}
