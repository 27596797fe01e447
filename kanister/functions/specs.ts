// The argument table of every Kanister function (kanister pkg/function/*.go, spec §5): what validation
// checks a phase against. Execution lives elsewhere (k8s/functions/); this is declaration only.
import type { KanisterFunctionSpec } from './types.js';

/** A function's declaration plus what validation should tell users about its status. */
export interface KanisterFunctionInfo extends KanisterFunctionSpec {
  /** Set when Kanister deprecated or removed the function: validation warns with this text. */
  readonly lifecycleNote?: string;
  /** Functions whose args Kanister does not render generically (Wait/WaitV2 render conditions themselves). */
  readonly rendersOwnArgs?: boolean;
}

/** Pod-creating functions accept these on top of their own arguments (since Kanister 0.111.0 for labels). */
const POD_ARGS = ['podOverride', 'podAnnotations', 'podLabels'] as const;
/** RDS functions choose credentials from the profile (default), a secret or the service account. */
const RDS_CREDENTIAL_ARGS = ['credentialsSource', 'credentialsSecret', 'region'] as const;

function spec(
  name: string,
  requiredArgs: readonly string[],
  optionalArgs: readonly string[],
  needsProfile: boolean,
  extra: Pick<KanisterFunctionInfo, 'lifecycleNote' | 'rendersOwnArgs'> = {},
): KanisterFunctionInfo {
  return { name, requiredArgs, optionalArgs, needsProfile, ...extra };
}

const REMOVED_0_115 = 'removed in Kanister 0.115.0';
const REMOVED_AFTER_0_119 = 'removed after Kanister 0.119.0 (needs a Kopia repository server)';

const SPECS: readonly KanisterFunctionInfo[] = [
  // Generic execution: the functions hooks are made of.
  spec('KubeTask', ['image', 'command'], ['namespace', ...POD_ARGS], false),
  spec('KubeExec', ['namespace', 'pod', 'command'], ['container'], false),
  spec('KubeExecAll', ['namespace', 'pods', 'containers', 'command'], [], false),
  spec(
    'MultiContainerRun',
    ['backgroundImage', 'backgroundCommand', 'outputImage', 'outputCommand'],
    ['namespace', 'initImage', 'initCommand', 'sharedVolumeMedium', 'sharedVolumeSizeLimit', 'sharedVolumeDir', ...POD_ARGS],
    false,
  ),
  spec('ScaleWorkload', ['replicas'], ['namespace', 'name', 'kind', 'waitForReady'], false),
  spec('PrepareData', ['namespace', 'image', 'command'], ['volumes', 'serviceaccount', 'failOnError', ...POD_ARGS], false),
  spec('KubeOps', ['operation'], ['spec', 'namespace', 'objectReference'], false),
  spec('Wait', ['timeout', 'conditions'], [], false, { lifecycleNote: 'deprecated: use WaitV2', rendersOwnArgs: true }),
  spec('WaitV2', ['timeout', 'conditions'], [], false, { rendersOwnArgs: true }),

  // CSI snapshots: no profile needed.
  spec('CreateCSISnapshot', ['pvc', 'namespace', 'snapshotClass'], ['name', 'labels'], false),
  spec('CreateCSISnapshotStatic', ['name', 'namespace', 'driver', 'snapshotHandle', 'snapshotClass'], [], false),
  spec('RestoreCSISnapshot', ['name', 'pvc', 'namespace', 'storageClass', 'restoreSize'], ['accessModes', 'volumeMode', 'labels'], false),
  spec('DeleteCSISnapshot', ['name', 'namespace'], [], false),
  spec('DeleteCSISnapshotContent', ['name'], [], false),

  // Data movers: read or write the location profile's object store.
  spec('BackupData', ['namespace', 'pod', 'container', 'includePath', 'backupArtifactPrefix'], ['encryptionKey', 'insecureTLS'], true, {
    lifecycleNote: 'deprecated: use CopyVolumeData or KubeTask with kopia',
  }),
  spec('BackupDataAll', ['namespace', 'container', 'includePath', 'backupArtifactPrefix'], ['pods', 'encryptionKey', 'insecureTLS'], true, {
    lifecycleNote: 'deprecated',
  }),
  spec(
    'CopyVolumeData',
    ['namespace', 'volume', 'dataArtifactPrefix'],
    ['image', 'encryptionKey', 'mountPath', 'insecureTLS', ...POD_ARGS],
    true,
  ),
  spec(
    'RestoreData',
    ['namespace', 'image', 'backupArtifactPrefix'],
    ['pod', 'volumes', 'backupTag', 'backupIdentifier', 'restorePath', 'backupPath', 'encryptionKey', 'insecureTLS', ...POD_ARGS],
    true,
  ),
  spec(
    'RestoreDataAll',
    ['namespace', 'image', 'backupArtifactPrefix', 'backupInfo'],
    ['restorePath', 'pods', 'encryptionKey', 'insecureTLS', ...POD_ARGS],
    true,
  ),
  spec(
    'DeleteData',
    ['namespace', 'backupArtifactPrefix'],
    ['backupID', 'backupTag', 'image', 'encryptionKey', 'reclaimSpace', 'insecureTLS', ...POD_ARGS],
    true,
  ),
  spec(
    'DeleteDataAll',
    ['namespace', 'backupArtifactPrefix', 'backupInfo'],
    ['image', 'encryptionKey', 'reclaimSpace', 'insecureTLS', ...POD_ARGS],
    true,
  ),
  spec('BackupDataStats', ['namespace', 'backupArtifactPrefix', 'backupID'], ['image', 'mode', 'encryptionKey', ...POD_ARGS], true),
  spec('CheckRepository', ['backupArtifactPrefix'], ['image', 'encryptionKey', 'insecureTLS', ...POD_ARGS], true),
  spec('LocationDelete', ['artifact'], [], true),

  // RDS: Create/Delete only need the profile when credentialsSource is `profile` (the default), so they
  // are treated as profile functions; a hook author can still pick `secret` credentials in a non-hook use.
  spec('CreateRDSSnapshot', ['instanceID'], ['dbEngine', ...RDS_CREDENTIAL_ARGS], true),
  spec(
    'ExportRDSSnapshotToLocation',
    ['namespace', 'instanceID', 'snapshotID', 'dbEngine'],
    ['username', 'password', 'backupArtifactPrefix', 'databases', 'securityGroupID', 'dbSubnetGroup', 'podAnnotations', 'podLabels', ...RDS_CREDENTIAL_ARGS],
    true,
  ),
  spec(
    'RestoreRDSSnapshot',
    ['instanceID'],
    [
      'snapshotID', 'dbEngine', 'backupArtifactPrefix', 'backupID', 'username', 'password', 'namespace',
      'securityGroupID', 'dbSubnetGroup', 'podAnnotations', 'podLabels', ...RDS_CREDENTIAL_ARGS,
    ],
    true,
  ),
  spec('DeleteRDSSnapshot', ['snapshotID'], ['dbEngine', ...RDS_CREDENTIAL_ARGS], true),

  // Provider volume snapshots: take cloud credentials from the profile.
  spec('CreateVolumeSnapshot', ['namespace'], ['pvcs', 'skipWait'], true, { lifecycleNote: REMOVED_0_115 }),
  spec('WaitForSnapshotCompletion', ['snapshots'], [], true, { lifecycleNote: REMOVED_0_115 }),
  spec('CreateVolumeFromSnapshot', ['namespace', 'snapshots'], ['pvcNames'], true, { lifecycleNote: REMOVED_0_115 }),
  spec('DeleteVolumeSnapshot', ['namespace', 'snapshots'], [], true, { lifecycleNote: REMOVED_0_115 }),

  // Kopia repository server: need repository-server credentials, which hooks do not have either.
  spec('BackupDataUsingKopiaServer', ['namespace', 'pod', 'container', 'includePath'], ['snapshotTags'], true, {
    lifecycleNote: REMOVED_AFTER_0_119,
  }),
  spec(
    'RestoreDataUsingKopiaServer',
    ['namespace', 'image', 'backupIdentifier', 'restorePath'],
    ['pod', 'volumes', 'repositoryServerUserHostname', ...POD_ARGS],
    true,
    { lifecycleNote: REMOVED_AFTER_0_119 },
  ),
  spec('DeleteDataUsingKopiaServer', ['namespace', 'backupID', 'image'], ['repositoryServerUserHostname', ...POD_ARGS], true, {
    lifecycleNote: REMOVED_AFTER_0_119,
  }),
];

/** Every Kanister function by its exact (case-sensitive) name. */
export const FUNCTION_SPECS: ReadonlyMap<string, KanisterFunctionInfo> = new Map(SPECS.map((s) => [s.name, s]));

/** Functions Kanister skips in generic arg rendering (compared case-insensitively, as Kanister does). */
export function rendersOwnArgs(functionName: string): boolean {
  const lower = functionName.toLowerCase();
  return lower === 'wait' || lower === 'waitv2';
}
