// A worker process for the crash test (rules R1, R6). Its hooks behave like KubeTask: the command runs in a
// process of its own (the "pod") that outlives this worker, and a resumed attempt re-attaches to it instead
// of starting it again. The test SIGKILLs this process at chosen points.
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import type { HookRunContext, HookRunInput, HookRunResult } from '../../activities/deps.js';
import { PermanentFunctionError } from '../../kanister/functions/types.js';
import { createKanflowWorker } from '../../worker/worker.js';
import { createDoubles, sleepMs } from '../doubles/deps.js';

const { TEMPORAL_ADDRESS, CRASH_TASK_QUEUE, CRASH_DIR, CRASH_MAIN } = process.env;
const dir = CRASH_DIR!;
const commands = path.join(dir, 'commands.log');
const events = path.join(dir, 'events.log');

function note(line: string): void {
  appendFileSync(events, `${line}\n`);
}

/**
 * Starts the hook's command as a detached process under a deterministic name (like a KubeTask pod), or
 * re-attaches to the one a crashed attempt started.
 */
async function podLikeHook(input: HookRunInput, ctx: HookRunContext): Promise<HookRunResult> {
  const pod = path.join(dir, `${input.slot}-${input.attempt}.pod`);
  const done = path.join(dir, `${input.slot}-${input.attempt}.done`);
  if (existsSync(pod)) {
    note(`reattach ${input.slot}${ctx.checkpoint ? ' from checkpoint' : ''}`);
  } else {
    // Like creating a pod: once the marker exists, the command runs whatever happens to this worker (the
    // test kills the worker only after "start" is noted, when both exist).
    const child = spawn('sh', ['-c', `echo ${input.slot} >> ${commands}; sleep 3; touch ${done}`], { detached: true, stdio: 'ignore' });
    child.unref();
    writeFileSync(pod, String(child.pid), { flag: 'wx' });
    note(`start ${input.slot}`);
    await ctx.saveCheckpoint({ completedPhases: [], inFlight: { name: `${input.slot}Phase`, isDeferPhase: false, checkpoint: { pod } } });
  }
  while (!existsSync(done)) {
    ctx.heartbeat();
    await sleepMs(100, ctx.signal);
  }
  note(`finish ${input.slot}`);
  return { phases: [{ name: `${input.slot}Phase`, output: {} }], outputArtifacts: {} };
}

async function main(): Promise<void> {
  const deps = createDoubles({ checkpointDir: dir });
  for (const action of ['pre', 'post', 'failed']) deps.hooks.on(action, podLikeHook);
  deps.main.behaviour = async () => {
    note('start main');
    if (CRASH_MAIN === 'fail') throw new PermanentFunctionError('snapshot impossible');
    await sleepMs(3000);
    note('finish main');
    return { restorePoint: { name: 'rp-app', namespace: 'app' }, summary: 'ok' };
  };
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const connection = await NativeConnection.connect({ address: TEMPORAL_ADDRESS! });
  const worker = await createKanflowWorker({ connection, taskQueue: CRASH_TASK_QUEUE!, deps });
  note(`worker ${process.pid} up`);
  await worker.run();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
