// Human-readable views of ledgers and policy runs for the CLI.
import Table from 'cli-table3';
import type { ActionLedger, PolicyRunStatus } from '../workflows/messages.js';

function time(iso?: string): string {
  return iso ? iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z') : '';
}

export function ledgerTable(ledger: ActionLedger): string {
  const table = new Table({ head: ['step', 'state', 'attempts', 'hook', 'started', 'ended', 'error'], wordWrap: true, colWidths: [11, 11, 10, 30, 22, 22, 48] });
  for (const s of ledger.steps) {
    table.push([s.step, s.state, String(s.attempts), s.hook ? `${s.hook.blueprint}/${s.hook.actionName}` : '', time(s.startedAt), time(s.endedAt), s.error ?? '']);
  }
  const lines = [
    `${ledger.kind} of namespace ${ledger.subjectNamespace}${ledger.policy ? ` (policy ${ledger.policy})` : ''}: ${ledger.outcome}`,
    table.toString(),
  ];
  const artifacts = Object.entries(ledger.artifacts);
  if (artifacts.length > 0) lines.push(`artifacts: ${artifacts.map(([name, a]) => `${name}=${JSON.stringify(a.keyValue ?? a.kopiaSnapshot)}`).join(' ')}`);
  if (ledger.restorePoint) lines.push(`restore point: ${ledger.restorePoint.namespace}/${ledger.restorePoint.name}`);
  if (ledger.exportLocation) lines.push(`exported to: ${ledger.exportLocation}`);
  if (ledger.error) lines.push(`error: ${ledger.error}`);
  return lines.join('\n');
}

export function policyRunTable(status: PolicyRunStatus, limit = 20): string {
  const done = status.succeeded + status.failed + status.cancelled;
  const lines = [
    `policy ${status.policy}: ${done}/${status.total} namespaces done — ${status.succeeded} succeeded, ${status.failed} failed, ${status.cancelled} cancelled, ${status.running.length} running, ${status.pending} pending`,
  ];
  const failed = Object.entries(status.errors).slice(0, limit);
  if (failed.length > 0) {
    const table = new Table({ head: ['namespace', 'outcome', 'error'], wordWrap: true, colWidths: [24, 11, 80] });
    for (const [ns, error] of failed) table.push([ns, status.outcomes[ns] ?? '', error]);
    lines.push(table.toString());
  }
  if (status.running.length > 0) lines.push(`running: ${status.running.slice(0, limit).join(', ')}${status.running.length > limit ? ', …' : ''}`);
  return lines.join('\n');
}
