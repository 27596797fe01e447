// Export: writes a restore point's bundle to a filesystem location, content-addressed (file name = sha256
// of the bundle), verified by checksum after writing; importExport verifies it again when read back.
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { basename, join } from 'node:path';
import type { KubeClients } from '../client.js';
import type { RestorePointBundle, RestorePointInfo } from './restore-points.js';
import { decodeBundle, readRestorePointBytes, sha256Hex } from './restore-points.js';

export const EXPORT_SUFFIX = '.kanflow.json.gz';

/** `location.path`, else `$KANFLOW_EXPORT_DIR`, else `~/.kanflow/exports`. */
export function exportDirectory(locationPath?: string): string {
  return locationPath || process.env.KANFLOW_EXPORT_DIR || join(homedir(), '.kanflow', 'exports');
}

export interface ExportResult {
  path: string;
  sha256: string;
  /** False when an identical export was already there (a retry). */
  written: boolean;
  info: RestorePointInfo;
}

export async function exportRestorePoint(clients: KubeClients, k10Namespace: string, restorePoint: string, directory: string): Promise<ExportResult> {
  const { info, bytes } = await readRestorePointBytes(clients, k10Namespace, restorePoint);
  const sha256 = sha256Hex(bytes);
  const path = join(directory, `${sha256}${EXPORT_SUFFIX}`);
  await mkdir(directory, { recursive: true });
  const existing = await readFile(path).catch(() => undefined);
  if (existing && sha256Hex(existing) === sha256) return { path, sha256, written: false, info };

  // Write to a temporary name, fsync, rename: a crash never leaves a half-written file under the final name.
  const temporary = join(directory, `.${sha256}.${process.pid}.tmp`);
  const handle = await open(temporary, 'w');
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
  const written = await readFile(temporary);
  if (sha256Hex(written) !== sha256) {
    await rm(temporary, { force: true });
    throw new Error(`export of restore point ${restorePoint} to ${path}: checksum mismatch after writing`);
  }
  await rename(temporary, path);
  return { path, sha256, written: true, info };
}

/** Reads an exported bundle, checking that its content still matches the checksum in its name. */
export async function importExport(path: string): Promise<{ sha256: string; bundle: RestorePointBundle }> {
  const bytes = await readFile(path);
  const sha256 = sha256Hex(bytes);
  const expected = basename(path).replace(EXPORT_SUFFIX, '');
  if (/^[0-9a-f]{64}$/.test(expected) && expected !== sha256) {
    throw new Error(`export ${path}: checksum mismatch (content is ${sha256}); the file is corrupt`);
  }
  return { sha256, bundle: decodeBundle(bytes, `export ${path}`) };
}
