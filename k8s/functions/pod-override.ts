// Kanister merges a function's `podOverride` over the default pod spec with a Kubernetes strategic merge
// patch on v1.PodSpec. This implements the parts of that algorithm PodSpec uses: maps merge recursively,
// `null` deletes a key, lists with a patch merge key merge element-wise by that key, other lists replace.

type Json = unknown;
type JsonObject = Record<string, Json>;

/** Merge keys of PodSpec's lists (from k8s.io/api core/v1 `patchMergeKey` tags), by JSON path. */
const MERGE_KEYS: Readonly<Record<string, string>> = {
  containers: 'name',
  initContainers: 'name',
  ephemeralContainers: 'name',
  volumes: 'name',
  imagePullSecrets: 'name',
  hostAliases: 'ip',
  'containers[].env': 'name',
  'containers[].ports': 'containerPort',
  'containers[].volumeMounts': 'mountPath',
  'containers[].volumeDevices': 'devicePath',
  'initContainers[].env': 'name',
  'initContainers[].ports': 'containerPort',
  'initContainers[].volumeMounts': 'mountPath',
  'initContainers[].volumeDevices': 'devicePath',
  'ephemeralContainers[].env': 'name',
  'ephemeralContainers[].volumeMounts': 'mountPath',
};

function isObject(value: Json): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Strategic-merges `patch` over a PodSpec-shaped `base`; neither input is modified. */
export function mergePodSpec(base: JsonObject, patch: JsonObject | undefined): JsonObject {
  if (!patch) return structuredClone(base);
  return mergeObject(base, patch, '') as JsonObject;
}

function mergeObject(base: JsonObject, patch: JsonObject, path: string): JsonObject {
  const out: JsonObject = structuredClone(base);
  for (const [key, value] of Object.entries(patch)) {
    if (key.startsWith('$')) continue; // patch directives ($patch, $retainKeys) are not supported
    const childPath = path ? `${path}.${key}` : key;
    if (value === null) {
      delete out[key];
    } else if (isObject(value) && isObject(out[key])) {
      out[key] = mergeObject(out[key], value, childPath);
    } else if (Array.isArray(value) && Array.isArray(out[key]) && MERGE_KEYS[childPath]) {
      out[key] = mergeList(out[key] as Json[], value, MERGE_KEYS[childPath], `${childPath}[]`);
    } else {
      out[key] = structuredClone(value);
    }
  }
  return out;
}

function mergeList(base: Json[], patch: Json[], mergeKey: string, itemPath: string): Json[] {
  const out = structuredClone(base);
  for (const item of patch) {
    if (!isObject(item) || item[mergeKey] === undefined) {
      out.push(structuredClone(item));
      continue;
    }
    const index = out.findIndex((existing) => isObject(existing) && existing[mergeKey] === item[mergeKey]);
    if (index < 0) out.push(structuredClone(item));
    else out[index] = mergeObject(out[index] as JsonObject, item, itemPath);
  }
  return out;
}
