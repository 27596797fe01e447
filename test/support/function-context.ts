// A FunctionContext for calling Kanister functions directly in tests, recording checkpoints and log lines.
import type { FunctionCheckpoint, FunctionContext } from '../../kanister/functions/types.js';

export interface RecordingFunctionContext extends FunctionContext {
  checkpoints: FunctionCheckpoint[];
  lines: string[];
}

export function functionContext(resourceKey: string, overrides: Partial<FunctionContext> = {}): RecordingFunctionContext {
  const checkpoints: FunctionCheckpoint[] = [];
  const lines: string[] = [];
  return {
    phaseName: 'testPhase',
    signal: new AbortController().signal,
    resourceKey,
    defaultNamespace: 'kasten-io',
    saveCheckpoint: async (checkpoint) => {
      checkpoints.push(checkpoint);
    },
    heartbeat: () => {},
    log: (line) => lines.push(line),
    ...overrides,
    checkpoints,
    lines,
  };
}
