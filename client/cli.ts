#!/usr/bin/env node
// `kanflow`: start and watch K10-style actions and policy runs, inspect and replay their histories, validate
// and render blueprints, and run the worker or a whole dev setup.
import { readFile } from 'node:fs/promises';
import { Client, Connection } from '@temporalio/client';
import { Command, Option } from 'commander';
import { ActionRequestSchema, InputError, loadK10Files } from '../model/index.js';
import type { HookRef, Policy } from '../model/index.js';
import { renderCommand } from './commands/render.js';
import { validateCommand } from './commands/validate.js';
import { ledgerTable, policyRunTable } from './format.js';
import { exportHistory, replayHistories } from './history.js';
import { DEFAULT_TASK_QUEUE, KanflowClient } from './index.js';
import { followAction, followPolicyRun } from './progress.js';

/** An error whose message is all the user needs: printed without a stack trace. */
class UserError extends Error {}

interface GlobalOptions {
  address: string;
  temporalNamespace: string;
  taskQueue: string;
}

async function connect(program: Command): Promise<{ kanflow: KanflowClient; close: () => Promise<void> }> {
  const opts = program.opts<GlobalOptions>();
  let connection: Connection;
  try {
    connection = await Connection.connect({ address: opts.address, connectTimeout: '5s' });
  } catch (err) {
    throw new UserError(`cannot reach Temporal at ${opts.address} (set --address or TEMPORAL_ADDRESS): ${(err as Error).message}`);
  }
  const client = new Client({ connection, namespace: opts.temporalNamespace });
  return { kanflow: new KanflowClient(client, opts.taskQueue), close: () => connection.close() };
}

function parseHookRef(value: string, slot: string): HookRef {
  const [blueprint, actionName, ...rest] = value.split('/');
  if (!blueprint || !actionName || rest.length > 0) throw new UserError(`--${slot} takes <blueprint>/<action>, got "${value}"`);
  return { blueprint, actionName };
}

function collectKeyValue(value: string, previous: Record<string, string> = {}): Record<string, string> {
  const eq = value.indexOf('=');
  if (eq <= 0) throw new UserError(`expected key=value, got "${value}"`);
  return { ...previous, [value.slice(0, eq)]: value.slice(eq + 1) };
}

interface RunFlags {
  namespace?: string;
  targetNamespace?: string;
  restorePoint?: string;
  location?: string;
  preHook?: string;
  onSuccess?: string;
  onFailure?: string;
  option?: Record<string, string>;
  hookRetryLimit?: string;
  mainRetryLimit?: string;
  hookTimeout?: string;
  k10Namespace?: string;
  wait: boolean;
  id?: string;
  json?: boolean;
}

function hooksFrom(flags: RunFlags) {
  return {
    ...(flags.preHook && { preHook: parseHookRef(flags.preHook, 'pre-hook') }),
    ...(flags.onSuccess && { onSuccess: parseHookRef(flags.onSuccess, 'on-success') }),
    ...(flags.onFailure && { onFailure: parseHookRef(flags.onFailure, 'on-failure') }),
  };
}

function limitsFrom(flags: RunFlags) {
  return {
    ...(flags.hookRetryLimit && { hookRetryLimit: Number(flags.hookRetryLimit) }),
    ...(flags.mainRetryLimit && { mainRetryLimit: Number(flags.mainRetryLimit) }),
    ...(flags.hookTimeout && { hookTimeoutSeconds: Number(flags.hookTimeout) }),
    ...(flags.k10Namespace && { k10Namespace: flags.k10Namespace }),
    ...(flags.option && { options: flags.option }),
  };
}

function requestFrom(kind: string, flags: RunFlags): unknown {
  const common = { hooks: hooksFrom(flags), ...limitsFrom(flags) };
  switch (kind) {
    case 'backup':
      if (!flags.namespace) throw new UserError('run backup needs --namespace <namespace>');
      return { kind, namespace: flags.namespace, ...common };
    case 'export':
      if (!flags.namespace) throw new UserError('run export needs --namespace <namespace>');
      return {
        kind,
        namespace: flags.namespace,
        ...(flags.restorePoint && { restorePoint: flags.restorePoint }),
        ...(flags.location && { location: { type: 'filesystem', path: flags.location } }),
        ...common,
      };
    case 'restore': {
      if (!flags.restorePoint || !flags.targetNamespace) throw new UserError('run restore needs --restore-point <namespace>/<name> and --target-namespace <namespace>');
      const [namespace, name] = flags.restorePoint.split('/');
      if (!namespace || !name) throw new UserError(`--restore-point takes <namespace>/<name>, got "${flags.restorePoint}"`);
      return { kind, restorePoint: { namespace, name }, targetNamespace: flags.targetNamespace, ...common };
    }
    default:
      throw new UserError(`unknown action "${kind}": use backup, export or restore`);
  }
}

async function startAndFollow(program: Command, inputs: unknown[], policies: Policy[], flags: RunFlags): Promise<number> {
  // Validate everything before contacting Temporal: bad input starts nothing.
  const requests = inputs.map((input) => ActionRequestSchema.parse(input));
  const { kanflow, close } = await connect(program);
  let failures = 0;
  try {
    const started: { id: string; type: 'action' | 'policy' }[] = [];
    for (const request of requests) {
      const handle = await kanflow.startAction(request, { workflowId: requests.length === 1 ? flags.id : undefined });
      started.push({ id: handle.workflowId, type: 'action' });
      console.log(`started ${request.kind} ${handle.workflowId}`);
    }
    for (const policy of policies) {
      const handle = await kanflow.startPolicyRun(policy);
      started.push({ id: handle.workflowId, type: 'policy' });
      console.log(`started policy run ${handle.workflowId}`);
    }
    if (!flags.wait) return 0;
    const live = process.stdout.isTTY === true && !flags.json;
    for (const { id, type } of started) {
      if (type === 'action') {
        const ledger = await followAction(kanflow, id, live);
        console.log(flags.json ? JSON.stringify(ledger, null, 2) : ledgerTable(ledger));
        if (ledger.outcome !== 'succeeded') failures++;
      } else {
        const result = await followPolicyRun(kanflow, id, live);
        console.log(flags.json ? JSON.stringify(result, null, 2) : policyRunTable({ ...result, pending: 0, running: [], generation: result.generations - 1 }));
        if (result.failed + result.cancelled > 0) failures++;
      }
    }
    return failures > 0 ? 1 : 0;
  } finally {
    await close();
  }
}

export function buildProgram(): Command {
  const program = new Command('kanflow')
    .description('Kasten-K10-style backup, export and restore with Kanister execution hooks, as Temporal workflows')
    .addOption(new Option('--address <host:port>', 'Temporal frontend').env('TEMPORAL_ADDRESS').default('127.0.0.1:7233'))
    .addOption(new Option('--temporal-namespace <name>', 'Temporal namespace').env('TEMPORAL_NAMESPACE').default('default'))
    .addOption(new Option('--task-queue <name>', 'task queue of the kanflow workers').env('KANFLOW_TASK_QUEUE').default(DEFAULT_TASK_QUEUE))
    .showHelpAfterError();

  program
    .command('run')
    .description('start an action (backup|export|restore) or the actions and policies of K10 YAML files (-f)')
    .argument('[kind]', 'backup, export or restore')
    .option('-f, --file <file...>', 'K10 YAML: BackupAction, ExportAction, RestoreAction, RunAction, Policy')
    .option('-n, --namespace <namespace>', 'subject namespace of a backup or export')
    .option('--target-namespace <namespace>', 'target namespace of a restore')
    .option('--restore-point <ref>', 'restore point: <name> for export, <namespace>/<name> for restore')
    .option('--location <path>', 'filesystem location an export writes to')
    .option('--pre-hook <blueprint/action>', 'preHook blueprint action')
    .option('--on-success <blueprint/action>', 'onSuccess blueprint action')
    .option('--on-failure <blueprint/action>', 'onFailure blueprint action')
    .option('-o, --option <key=value>', 'blueprint .Options entry (repeatable)', collectKeyValue)
    .option('--hook-retry-limit <n>', 'attempts of preHook and onSuccess (default 3)')
    .option('--main-retry-limit <n>', 'attempts of the main action (default 3)')
    .option('--hook-timeout <seconds>', 'time limit of one hook attempt (default 1200)')
    .option('--k10-namespace <namespace>', 'namespace holding hook Blueprints (default kasten-io)')
    .option('--id <workflowId>', 'workflow ID of a single action')
    .option('--no-wait', 'return once started')
    .option('--json', 'print results as JSON')
    .action(async (kind: string | undefined, flags: RunFlags & { file?: string[] }) => {
      if (flags.file) {
        if (kind) throw new UserError('give either an action kind or -f <file>, not both');
        const files = await Promise.all(flags.file.map(async (file) => ({ file, text: await readFile(file, 'utf8').catch(() => { throw new UserError(`${file}: cannot read file`); }) })));
        const loaded = loadK10Files(files);
        for (const warning of loaded.warnings) console.error(`warning: ${warning}`);
        const policies = loaded.runs.map((run) => run.policy);
        if (loaded.requests.length + policies.length === 0) {
          throw new UserError(`${flags.file.join(', ')}: nothing to run (Policies run only through a RunAction${loaded.policies.length ? `; found Policy ${loaded.policies.map((p) => p.name).join(', ')}` : ''})`);
        }
        process.exitCode = await startAndFollow(program, loaded.requests, policies, flags);
        return;
      }
      if (!kind) throw new UserError('run needs an action kind (backup, export, restore) or -f <file>');
      process.exitCode = await startAndFollow(program, [requestFrom(kind, flags)], [], flags);
    });

  program
    .command('status')
    .description('show the ledger of an action or the progress of a policy run')
    .argument('<id>', 'workflow ID')
    .option('--json', 'print as JSON')
    .action(async (id: string, flags: { json?: boolean }) => {
      const { kanflow, close } = await connect(program);
      try {
        const type = await kanflow.describeType(id).catch(() => {
          throw new UserError(`no workflow "${id}" in Temporal namespace ${program.opts<GlobalOptions>().temporalNamespace}`);
        });
        const status = type === 'policyRunWorkflow' ? await kanflow.policyRunStatus(id) : await kanflow.actionStatus(id);
        if (flags.json) console.log(JSON.stringify(status, null, 2));
        else console.log('steps' in status ? ledgerTable(status) : policyRunTable(status));
      } finally {
        await close();
      }
    });

  program
    .command('cancel')
    .description('cancel an action or policy run (running hooks stop, their pods are deleted, onFailure runs)')
    .argument('<id>', 'workflow ID')
    .action(async (id: string) => {
      const { kanflow, close } = await connect(program);
      try {
        await kanflow.cancel(id);
        console.log(`cancellation requested for ${id}`);
      } finally {
        await close();
      }
    });

  program
    .command('history')
    .description('workflow histories')
    .command('export')
    .description('print the history of a workflow as JSON (for replay tests)')
    .argument('<id>', 'workflow ID')
    .action(async (id: string) => {
      const { kanflow, close } = await connect(program);
      try {
        process.stdout.write(`${await exportHistory(kanflow.client, id)}\n`);
      } finally {
        await close();
      }
    });

  program
    .command('replay')
    .description('replay recorded histories against the current workflow code; exit 1 on nondeterminism')
    .argument('<files...>', 'history JSON files')
    .action(async (files: string[]) => {
      const outcomes = await replayHistories(files);
      for (const o of outcomes) console.log(`${o.error ? 'FAIL' : 'ok  '} ${o.file}${o.error ? `: ${o.error}` : ''}`);
      process.exitCode = outcomes.some((o) => o.error) ? 1 : 0;
    });

  program
    .command('validate')
    .description('validate Kanister Blueprints like kanctl, and stricter')
    .requiredOption('-f, --file <file>', 'Blueprint YAML (several documents allowed)')
    .option('--hook', 'validate for use as an execution hook (no .Profile, no kando location)')
    .option('--lenient', 'phase names reused across actions are warnings')
    .action(async (flags: { file: string; hook?: boolean; lenient?: boolean }) => {
      process.exitCode = await validateCommand({ file: flags.file, hook: flags.hook, lenient: flags.lenient });
    });

  program
    .command('render')
    .description('print every phase of a blueprint action with its arguments rendered; runs nothing')
    .requiredOption('-f, --file <file>', 'Blueprint YAML')
    .requiredOption('--action <name>', 'blueprint action')
    .requiredOption('--namespace <namespace>', 'subject namespace')
    .option('--blueprint <name>', 'which Blueprint of a multi-document file')
    .option('--options <key=value...>', 'blueprint .Options entries')
    .option('--hook', 'render as a hook (no location profile)')
    .action(async (flags: { file: string; action: string; namespace: string; blueprint?: string; options?: string[]; hook?: boolean }) => {
      const options = (flags.options ?? []).reduce<Record<string, string>>((acc, kv) => collectKeyValue(kv, acc), {});
      process.exitCode = await renderCommand({ file: flags.file, action: flags.action, namespace: flags.namespace, options, blueprint: flags.blueprint, hook: flags.hook });
    });

  const restorePoints = program.command('restore-points').description('restore points taken by backups (read from the cluster)');
  const rpOptions = (cmd: Command) =>
    cmd
      .addOption(new Option('--kubeconfig <file>', 'cluster to read').env('KUBECONFIG'))
      .addOption(new Option('--k10-namespace <namespace>', 'where restore points are kept').env('KANFLOW_K10_NAMESPACE').default('kasten-io'))
      .option('--json', 'print as JSON');
  rpOptions(restorePoints.command('list').description('list restore points, newest first').argument('[namespace]', 'only those of this namespace')).action(
    async (namespace: string | undefined, flags: { kubeconfig?: string; k10Namespace: string; json?: boolean }) => {
      const { listRestorePointsCommand } = await import('./restore-points.js');
      process.exitCode = await listRestorePointsCommand(namespace, flags);
    },
  );
  rpOptions(restorePoints.command('show').description('show one restore point and the objects it holds').argument('<name>', 'restore point name')).action(
    async (name: string, flags: { kubeconfig?: string; k10Namespace: string; json?: boolean }) => {
      const { showRestorePointCommand } = await import('./restore-points.js');
      process.exitCode = await showRestorePointCommand(name, flags);
    },
  );

  program
    .command('worker')
    .description('run a kanflow worker (configured by TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, KANFLOW_TASK_QUEUE, KUBECONFIG, KANFLOW_K10_NAMESPACE)')
    .action(async () => {
      const opts = program.opts<GlobalOptions>();
      const { runWorker } = await import('../worker/main.js');
      await runWorker({ ...process.env, TEMPORAL_ADDRESS: opts.address, TEMPORAL_NAMESPACE: opts.temporalNamespace, KANFLOW_TASK_QUEUE: opts.taskQueue });
    });

  program
    .command('dev')
    .description('start a Temporal dev server (with UI) and a worker in this process, until Ctrl-C')
    .option('--ui-port <port>', 'Temporal UI port', '8233')
    .option('--port <port>', 'Temporal frontend port', '7233')
    .action(async (flags: { uiPort: string; port: string }) => {
      const { startDevServer } = await import('../scripts/temporal-dev-server.js');
      const { runWorker } = await import('../worker/main.js');
      delete process.env.TEMPORAL_ADDRESS;
      const server = await startDevServer({ ui: true, port: Number(flags.port), uiPort: Number(flags.uiPort), log: (l) => console.error(l) });
      console.error(`Temporal UI: ${server.uiAddress}   address: ${server.address}`);
      try {
        await runWorker({ ...process.env, TEMPORAL_ADDRESS: server.address, KANFLOW_TASK_QUEUE: program.opts<GlobalOptions>().taskQueue });
      } finally {
        await server.stop();
      }
    });

  return program;
}

export async function main(argv: string[] = process.argv): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (err) {
    if (err instanceof InputError) {
      console.error(err.format());
    } else if (err instanceof UserError) {
      console.error(`error: ${err.message}`);
    } else if (err && typeof err === 'object' && 'issues' in err && Array.isArray((err as { issues: unknown }).issues)) {
      // zod validation of a request built from flags
      for (const issue of (err as { issues: { path: PropertyKey[]; message: string }[] }).issues) {
        console.error(`error: ${issue.path.join('.') || 'request'}: ${issue.message}`);
      }
    } else {
      console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
    }
    process.exitCode = 1;
  }
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('/kanflow')) {
  void main();
}
