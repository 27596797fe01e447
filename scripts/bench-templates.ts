// Renders every templated string of the conformance blueprints 1,000 times, with the compile cache
// and without it, and prints templates/s for both (target: ≥ 100,000 cached renders/s on one core).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { asGoStruct, clearTemplateCache, compileTemplate, fieldPaths, isTemplated, renderTemplate } from '../kanister/template/index.js';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const folder = process.argv[2] ? path.resolve(process.argv[2]) : path.resolve(REPO_ROOT, '../shared/conformance/kanister-blueprints');
const ITERATIONS = 1000;

function collectTemplates(): string[] {
  const found: string[] = [];
  const walk = (v: unknown): void => {
    if (typeof v === 'string') {
      if (isTemplated(v)) found.push(v);
    } else if (Array.isArray(v)) v.forEach(walk);
    else if (v !== null && typeof v === 'object') {
      for (const [k, child] of Object.entries(v)) {
        if (isTemplated(k)) found.push(k);
        walk(child);
      }
    }
  };
  for (const file of readdirSync(folder).filter((f) => f.endsWith('.yaml')).sort()) {
    for (const doc of parseAllDocuments(readFileSync(path.join(folder, file), 'utf8'))) walk(doc.toJS());
  }
  return found;
}

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);

const workload = (name: string): Record<string, unknown> =>
  asGoStruct(
    {
      Name: name,
      Namespace: 'app-ns',
      Pods: [`${name}-0`, `${name}-1`],
      Containers: [[name, 'sidecar'], [name]],
      PersistentVolumeClaims: { [`${name}-0`]: { [`data-${name}-0`]: '/data' }, [`${name}-1`]: { [`data-${name}-1`]: '/data' } },
    },
    { typeName: 'param.StatefulSetParams' },
  );

/** A realistic parameter set; phase, artifact, secret and configmap names are taken from the templates. */
function buildParams(templates: readonly string[]): Record<string, unknown> {
  const params: Record<string, unknown> = {
    Namespace: asGoStruct({ Name: 'app-ns', Namespace: 'app-ns' }, { typeName: 'param.NamespaceParams' }),
    StatefulSet: workload('mysql'),
    Deployment: workload('web'),
    DeploymentConfig: workload('pg'),
    Options: { pitr: '2026-08-21T10:00:00Z' },
    Time: '2026-08-21T10:11:12.123456789Z',
    Profile: asGoStruct(
      {
        Location: asGoStruct(
          { Type: 's3Compliant', Bucket: 'backups', Endpoint: 'https://s3.example.com', Prefix: 'kanflow', Region: 'us-east-1' },
          { jsonNames: { Type: 'type', Bucket: 'bucket', Endpoint: 'endpoint', Prefix: 'prefix', Region: 'region' } },
        ),
        Credential: asGoStruct({
          Type: 'keyPair',
          KeyPair: asGoStruct({ ID: 'AKIAEXAMPLE', Secret: 'secret/key+value' }),
          Secret: asGoStruct({ Data: { aws_access_key_id: bytes('AKIAEXAMPLE'), aws_secret_access_key: bytes('secret') } }),
          KopiaServerSecret: null,
        }),
        SkipSSLVerify: false,
      },
      { typeName: 'param.Profile' },
    ),
    Object: {
      kind: 'Secret',
      metadata: { name: 'app', namespace: 'app-ns', uid: '0b1c', labels: { app: 'app', release: 'rel', 'app.kubernetes.io/instance': 'app' } },
      spec: {
        nodeSets: [{ name: 'default', count: 3 }],
        template: { spec: { volumes: [{ persistentVolumeClaim: { claimName: 'data-pvc' } }] } },
      },
      status: { tags: [{ tag: 'v1' }] },
      data: { key: 'c2VjcmV0' },
    },
    ArtifactsIn: {},
    Phases: {},
    Secrets: {},
    ConfigMaps: {},
  };
  // Create every map entry the templates address by field path (leaves become strings or secret bytes).
  for (const source of templates) {
    let paths: string[][];
    try {
      paths = fieldPaths(source);
    } catch {
      continue;
    }
    for (const p of paths) {
      if (!['ArtifactsIn', 'Phases', 'Secrets', 'ConfigMaps', 'Object'].includes(p[0]!)) continue;
      let node = params as Record<string, unknown>;
      for (let i = 0; i < p.length; i++) {
        const key = p[i]!;
        const isLeaf = i === p.length - 1;
        if (!(key in node) || typeof node[key] !== 'object' || node[key] === null) {
          const inSecretData = p[i - 1] === 'Data' && p.includes('Secrets');
          // A path ending in Data is the base of `index ... "key"`: a map, not a value.
          node[key] = !isLeaf || key === 'Data' ? {} : inSecretData ? bytes(`${key}-value`) : `${key}-value`;
        }
        if (!isLeaf) node = node[key] as Record<string, unknown>;
      }
    }
  }
  return params;
}

function rate(label: string, templates: readonly string[], params: unknown, cached: boolean): number {
  const start = performance.now();
  for (let i = 0; i < ITERATIONS; i++) {
    if (!cached) clearTemplateCache();
    for (const source of templates) renderTemplate(source, params);
  }
  const seconds = (performance.now() - start) / 1000;
  const perSecond = (templates.length * ITERATIONS) / seconds;
  console.log(`${label.padEnd(10)} ${Math.round(perSecond).toLocaleString('en-US').padStart(12)} templates/s  (${(seconds * 1000).toFixed(0)} ms)`);
  return perSecond;
}

function main(): number {
  if (!existsSync(folder)) {
    console.log(`bench:templates skipped: ${folder} not found`);
    return 0;
  }
  const all = collectTemplates();
  const params = buildParams(all);
  // Wait/WaitV2 conditions are not rendered with blueprint params; keep what renders with these params.
  const renderable = all.filter((source) => {
    try {
      compileTemplate(source).render(params);
      return true;
    } catch {
      return false;
    }
  });
  console.log(`${all.length} templated strings in the corpus, ${renderable.length} render with the benchmark params; ${ITERATIONS} iterations each`);
  const cached = rate('cached', renderable, params, true);
  const uncached = rate('uncached', renderable, params, false);
  console.log(`ratio      ${(cached / uncached).toFixed(1)}x`);
  return cached >= 100_000 ? 0 : 1;
}

process.exitCode = main();
