// Golden tests of the Kanister template dialect: one test per reference case of
// shared/reference/kanister-render-cases.md (sections 1-4; sections 5 and 6 are phase output and
// blueprint validation, tested with those modules), plus the Go particulars the dialect promises.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  asGoStruct,
  compileTemplate,
  fieldPaths,
  functionNames,
  isTemplated,
  renderTemplate,
  setTemplateEnvironment,
  TemplateRenderError,
  TemplateSyntaxError,
  withMapZero,
} from '../../kanister/template/index.js';

const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);

/** Renders a value the way Kanister renders phase args: every string, map keys included, recursively. */
function renderArg(value: unknown, data: unknown): unknown {
  if (typeof value === 'string') return renderTemplate(value, data);
  if (Array.isArray(value)) return value.map((v) => renderArg(v, data));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [renderTemplate(k, data), renderArg(v, data)]));
  }
  return value;
}

const renders = (source: string, data: unknown, expected: string): void => assert.equal(renderTemplate(source, data), expected);

function failsToRender(source: string, data: unknown, message: string | RegExp, path?: string): void {
  assert.throws(
    () => renderTemplate(source, data),
    (e: unknown) => {
      assert.ok(e instanceof TemplateRenderError, `expected TemplateRenderError, got ${String(e)}`);
      if (typeof message === 'string') assert.equal(e.message, message);
      else assert.match(e.message, message);
      if (path !== undefined) assert.equal(e.path, path);
      return true;
    },
  );
}

function failsToParse(source: string, message: RegExp, line?: number): void {
  assert.throws(
    () => compileTemplate(source),
    (e: unknown) => {
      assert.ok(e instanceof TemplateSyntaxError, `expected TemplateSyntaxError, got ${String(e)}`);
      assert.match(e.message, message);
      if (line !== undefined) assert.equal(e.line, line);
      return true;
    },
  );
}

const keyPairProfile = asGoStruct(
  {
    Location: asGoStruct(
      { Type: 's3Compliant', Bucket: 'my-bucket', Endpoint: 'https://s3.example.com', Prefix: 'backups', Region: 'us-east-1' },
      { typeName: 'param.Location', jsonNames: { Type: 'type', Bucket: 'bucket', Endpoint: 'endpoint', Prefix: 'prefix', Region: 'region' } },
    ),
    Credential: asGoStruct(
      { Type: 'keyPair', KeyPair: asGoStruct({ ID: 'AKIA<id>', Secret: 's&cret' }, { typeName: 'param.KeyPair' }), Secret: null, KopiaServerSecret: null },
      { typeName: 'param.Credential' },
    ),
    SkipSSLVerify: false,
  },
  { typeName: 'param.Profile' },
);

// ---- section 2: pkg/param/render_test.go, RenderArgs table ----

test('render #1: empty string stays empty', () => renders('', {}, ''));
test('render #2: plain word without braces is unchanged', () => renders('hello', {}, 'hello'));
test('render #3: a lone dash is unchanged', () => renders('-', {}, '-'));
test('render #4: option present but empty renders empty', () => renders('{{ .Options.hello }}', { Options: { hello: '' } }, ''));
test('render #5: option value is printed', () => renders('{{ .Options.hello }}', { Options: { hello: 'someValue' } }, 'someValue'));
test('render #6: a dash in a field path is a lexer error', () => {
  failsToParse('{{ .Options.hello-world }}', /^template: config:1:\d+: bad character U\+002D '-'/, 1);
});
test('render #7: dashed keys may exist next to addressable ones', () => {
  renders('{{ .Options.hello }}', { Options: { hello: 'someValue', 'hello-world': 'someOtherValue' } }, 'someValue');
});
test('render #8: sprig upper of a raw string', () => renders('{{ upper `hello` }}', {}, 'HELLO'));
test('render #9: a list holding the template renders each element', () => {
  assert.deepEqual(renderArg(['{{ upper `hello` }}'], {}), ['HELLO']);
});
test('render #10: a map value holding the template is rendered', () => {
  assert.deepEqual(renderArg({ key: '{{ upper `hello` }}' }, {}), { key: 'HELLO' });
});
test('render #11: a templated map key and a list value are both rendered', () => {
  assert.deepEqual(renderArg({ '{{ upper `hello` }}': ['{{ upper `hello` }}'] }, {}), { HELLO: ['HELLO'] });
});
test('render #12: missing key of an empty Options map is an error', () => {
  failsToRender('{{ .Options.hello }}', { Options: {} }, 'Failed to render template: "hello" not found', '.Options.hello');
});

// ---- section 2: other tests of render_test.go ----

test('object reference name rendered from .Object', () => {
  renders('{{ .Object.spec.authSecret }}', { Time: 'now', Object: { spec: { authSecret: 'secret-name' } } }, 'secret-name');
});
const phaseOutput = { Phases: { myPhase: { Output: { kopiaSnapshot: 'a-snapshot-id' } } } };
test('artifact kopiaSnapshot from a phase output', () => {
  renders('{{ .Phases.myPhase.Output.kopiaSnapshot }}', phaseOutput, 'a-snapshot-id');
});
test('artifact keyValue from a phase output', () => {
  assert.deepEqual(renderArg({ key: '{{ .Phases.myPhase.Output.kopiaSnapshot }}' }, phaseOutput), { key: 'a-snapshot-id' });
});

// ---- section 2: pkg/param/param_test.go ----

for (const kind of ['Deployment', 'StatefulSet', 'PVC', 'Namespace'] as const) {
  test(`per object kind: .${kind}.Name and .Object.metadata.name give the object name`, () => {
    const data = { [kind]: { Name: 'obj-name', Namespace: 'ns' }, Object: { metadata: { name: 'obj-name' } } };
    renders(`{{ .${kind}.Name }}`, data, 'obj-name');
    renders('{{ .Object.metadata.name }}', data, 'obj-name');
  });
}
test('configmap artifact: .ConfigMaps.myCM.Data.someKey', () => {
  renders('{{ .ConfigMaps.myCM.Data.someKey }}', { ConfigMaps: { myCM: { Data: { someKey: 'some-value' } } } }, 'some-value');
});
test('time artifact: .Time parses back with the RFC3339Nano layout', () => {
  const data = { Time: '2026-08-21T10:11:12.5Z' };
  renders('{{ .Time }}', data, '2026-08-21T10:11:12.5Z');
  renders('{{ toDate "2006-01-02T15:04:05.999999999Z07:00" .Time | date "2006-01-02T15:04:05.999999999Z07:00" }}', data, '2026-08-21T10:11:12.5Z');
});
test('phase output: integer replicas prints as 2', () => {
  renders('{{ .Phases.backup.Output.replicas }}', { Phases: { backup: { Output: { replicas: 2 } } } }, '2');
});
const phaseObjects = {
  Phases: {
    backup: {
      Secrets: { authSecret: { Name: 'auth', Namespace: 'ns1', Data: {}, StringData: { myValue: 'bar' } } },
      ConfigMaps: { config: { Name: 'config', Namespace: 'ns1', Data: { myValue: 'bar' } } },
    },
  },
};
test('phase secret metadata: .Phases.backup.Secrets.authSecret.Namespace', () => {
  renders('{{ .Phases.backup.Secrets.authSecret.Namespace }}', phaseObjects, 'ns1');
});
test('phase secret stringData: .Phases.backup.Secrets.authSecret.StringData.myValue', () => {
  renders('{{ .Phases.backup.Secrets.authSecret.StringData.myValue }}', phaseObjects, 'bar');
});
test('phase configmap metadata: .Phases.backup.ConfigMaps.config.Namespace', () => {
  renders('{{ .Phases.backup.ConfigMaps.config.Namespace }}', phaseObjects, 'ns1');
});
test('phase configmap data: .Phases.backup.ConfigMaps.config.Data.myValue', () => {
  renders('{{ .Phases.backup.ConfigMaps.config.Data.myValue }}', phaseObjects, 'bar');
});
test('defer phase output: .DeferPhase.Output.version', () => {
  renders('{{ .DeferPhase.Output.version }}', { DeferPhase: { Output: { version: '0.75.0' } } }, '0.75.0');
});

// ---- section 2: templates of Kanister's function tests ----

const workload = { StatefulSet: { Name: 'db', Namespace: 'ns', Pods: ['db-0', 'db-1'], Containers: [['c0', 'sidecar'], ['c1']] } };
test('function tests: two integer indices on Containers', () => renders('{{ index .StatefulSet.Containers 0 0 }}', workload, 'c0'));
test('function tests: pods list by ranging over .StatefulSet.Pods', () => {
  renders('{{ range .StatefulSet.Pods }}{{ . }} {{ end }}', workload, 'db-0 db-1 ');
});
test('function tests: a string literal action', () => renders('{{ "my-container" }}', {}, 'my-container'));
test('function tests: .Options.test piped into lower', () => renders('{{ .Options.test | lower }}', { Options: { test: 'MiXeD' } }, 'mixed'));
test('function tests: secret data piped into toString', () => {
  renders('{{ .Secrets.mysecret.Data.password | toString }}', { Secrets: { mysecret: { Data: { password: bytes('hunter2') } } } }, 'hunter2');
});
test('function tests: .Profile.Location.Bucket and .Prefix', () => {
  renders('{{ .Profile.Location.Bucket }}/{{ .Profile.Location.Prefix }}', { Profile: keyPairProfile }, 'my-bucket/backups');
});

// ---- section 1: data model facts ----

test('secret data printed without toString is Go byte-list formatting', () => {
  renders('{{ .Secrets.s.Data.k }}', { Secrets: { s: { Data: { k: bytes('bar') } } } }, '[98 97 114]');
});
test('each string is an independent template: an if cannot close in another string', () => {
  failsToParse('{{ if .Options }}open', /^template: config:1:\d+: unexpected EOF/);
  failsToParse('close{{ end }}', /^template: config:1:\d+: unexpected \{\{end\}\}/);
});

// ---- section 3: error behaviour ----

test('parse errors start with template: config:<line>:', () => {
  failsToParse('{{ nosuchfunc .X }}', /^template: config:1:4: function "nosuchfunc" not defined/, 1);
  failsToParse('line one\n{{ .Options.a-b }}', /^template: config:2:\d+: bad character U\+002D '-'/, 2);
  failsToParse('{{ .Options.a ', /^template: config:1:\d+: unclosed action/);
  failsToParse('{{ if .X }}no end', /^template: config:1:\d+: unexpected EOF/);
});
const missingKeyCases: Array<[string, unknown, string]> = [
  ['{{ .Options.x }}', { Options: { y: '1' } }, 'x'],
  ['{{ .Phases.x }}', { Phases: { p: {} } }, 'x'],
  ['{{ .Phases.p.Output.x }}', { Phases: { p: { Output: {} } } }, 'x'],
  ['{{ .Object.a.b }}', { Object: { a: { c: 1 } } }, 'b'],
  ['{{ .ArtifactsIn.a }}', { ArtifactsIn: {} }, 'a'],
  ['{{ .ConfigMaps.c.Data.k }}', { ConfigMaps: { c: { Data: {} } } }, 'k'],
];
for (const [source, data, key] of missingKeyCases) {
  test(`missing map key with field syntax fails: ${source}`, () => {
    failsToRender(source, data, `Failed to render template: "${key}" not found`, source.slice(3, -3));
  });
}
test('index on a missing key of a string map yields an empty string', () => {
  renders('[{{ index .Options "absent" }}]', { Options: { present: 'x' } }, '[]');
  renders('[{{ index .ConfigMaps.c.Data "absent" }}]', { ConfigMaps: { c: { Data: withMapZero({}, '') } } }, '[]');
});
test('index on a missing key of .Object yields nil: <no value>, and toString gives <nil>', () => {
  renders('{{ index .Object.metadata.labels "absent" }}', { Object: { metadata: { labels: { app: 'x', n: 1 } } } }, '<no value>');
  renders('{{ index .Object.metadata.labels "absent" | toString }}', { Object: { metadata: { labels: { app: 'x', n: 1 } } } }, '<nil>');
});
test('index on a missing key of Secret data yields an empty byte slice', () => {
  const data = { Secrets: { s: { Data: { other: bytes('x') } } } };
  renders('[{{ index .Secrets.s.Data "absent" | toString }}]', data, '[]');
  renders('{{ index .Secrets.s.Data "absent" }}', data, '[]');
});
test('index with no keys returns its argument', () => {
  renders('{{ index .Deployment.Name }}', { Deployment: { Name: 'web' } }, 'web');
  renders('{{ index .Object.metadata.labels.app }}', { Object: { metadata: { labels: { app: 'db' } } } }, 'db');
});
test('a JSON null inside .Object prints <no value>', () => renders('{{ .Object.spec.x }}', { Object: { spec: { x: null } } }, '<no value>'));
test('field access through a nil pointer is an execution error', () => {
  failsToRender('{{ .StatefulSet.Name }}', { StatefulSet: null, Deployment: { Name: 'd' } }, /nil pointer evaluating \.StatefulSet\.Name/, '.StatefulSet.Name');
  failsToRender('{{ .Profile.Location.Bucket }}', { Profile: null }, /^template: config:1:4: executing "config" at <\.Profile\.Location\.Bucket>: nil pointer/);
});
test('truthiness: empty Options is false, missing pitr errors, index idiom is safe', () => {
  renders('{{ if .Options }}yes{{ else }}no{{ end }}', { Options: {} }, 'no');
  failsToRender('{{ if .Options.pitr }}yes{{ end }}', { Options: { other: 'x' } }, 'Failed to render template: "pitr" not found');
  renders('{{ if index .Options "pitr" }}yes{{ else }}no{{ end }}', { Options: { other: 'x' } }, 'no');
  renders('{{ if .Profile }}struct{{ end }}|{{ if .Z }}{{ else }}zero{{ end }}|{{ if .L }}{{ else }}empty{{ end }}', { Profile: keyPairProfile, Z: 0, L: [] }, 'struct|zero|empty');
});

// ---- section 4: function map facts ----

test('toDate swallows parse failures and yields the zero time', () => {
  renders('{{ toDate "2006-01-02" "not a date" }}', {}, '0001-01-01 00:00:00 +0000 UTC');
  renders('{{ toDate "2006-01-02" "not a date" | date "2006" }}', {}, '0001');
});
test('date of a non-time (the .Time string piped directly) formats now', () => {
  setTemplateEnvironment({ now: () => Date.UTC(2030, 0, 2, 3, 4, 5) });
  try {
    renders('{{ .Time | date "2006-01-02T15:04:05" }}', { Time: '2026-08-21T10:11:12Z' }, '2030-01-02T03:04:05');
  } finally {
    setTemplateEnvironment();
  }
});
test('Go layouts: lower-case t/z, GMT, a lone Z and 07 are literal text', () => {
  const data = { Time: '2026-08-21T10:11:12.123Z' };
  const date = (layout: string): string => `{{ toDate "2006-01-02T15:04:05.999999999Z07:00" .Time | date "${layout}" }}`;
  renders(date('2006-01-02t15-04-05z07-00'), data, '2026-08-21t10-11-12z07-00');
  renders(date('2006-01-02t15:04:05z07:00'), data, '2026-08-21t10:11:12z07:00');
  renders(date('2006-01-02T15-04-05'), data, '2026-08-21T10-11-12');
  renders(date('2006-01-02T15:04:05Z07:00'), data, '2026-08-21T10:11:12Z');
  renders('{{ toDate "2006-01-02T15:04:05Z" .Options.pitr | date "2006-01-02 15:04:05 GMT" }}', { Options: { pitr: '2026-01-02T03:04:05Z' } }, '2026-01-02 03:04:05 GMT');
});
test('toJson follows encoding/json: Profile shape, sorted maps, base64 bytes, HTML escaping', () => {
  renders(
    '{{ toJson .Profile }}',
    { Profile: keyPairProfile },
    '{"Location":{"type":"s3Compliant","bucket":"my-bucket","endpoint":"https://s3.example.com","prefix":"backups","region":"us-east-1"},' +
      '"Credential":{"Type":"keyPair","KeyPair":{"ID":"AKIA\\u003cid\\u003e","Secret":"s\\u0026cret"},"Secret":null,"KopiaServerSecret":null},"SkipSSLVerify":false}',
  );
  renders('{{ toJson .M }}', { M: { b: 1, a: [bytes('hi'), 1.5, null, true] } }, '{"a":["aGk=",1.5,null,true],"b":1}');
  renders('{{ toJson .Profile.Location.Region | toString }}', { Profile: keyPairProfile }, '"us-east-1"');
  renders('[{{ toJson .F }}]', { F: Number.NaN }, '[]');
});
test('toString: bytes to text, strings unchanged, others with %v', () => {
  renders('{{ toString .B }}|{{ toString .S }}|{{ toString .N }}|{{ toString .M }}', { B: bytes('x'), S: 's', N: 3, M: { k: 'v' } }, 'x|s|3|map[k:v]');
});
test('b64dec returns the error text for invalid input', () => {
  renders('{{ b64dec "aGVsbG8=" }}', {}, 'hello');
  renders('{{ b64dec "not base64!" }}', {}, 'illegal base64 data at input byte 3');
});
test('quote: Go %q of each non-nil argument, joined by spaces', () => {
  renders('{{ quote "a\\"b" .N .Nil "tab\\there" }}', { N: 1, Nil: null }, '"a\\"b" "1" "tab\\there"');
  renders('{{ .Profile.Location.Region | quote }}', { Profile: keyPairProfile }, '"us-east-1"');
});
test('replace takes the source last, so it works as a pipeline tail', () => {
  renders('{{ .StatefulSet.Name | upper | replace "-" "_" }}', { StatefulSet: { Name: 'my-db-set' } }, 'MY_DB_SET');
});
test('upper and lower are plain case mappings', () => renders('{{ upper "aBc" }}{{ lower "XyZ" }}', {}, 'ABCxyz'));
test('or returns the first non-empty operand, not a boolean', () => {
  renders('{{ $object := (or .Deployment .StatefulSet) }}{{ index $object.Pods 0 }}', { Deployment: null, StatefulSet: { Pods: ['s-0'] } }, 's-0');
  renders('{{ or "" 0 }}|{{ and 1 "x" }}|{{ and 0 .Missing.Field }}', {}, '0|x|0');
});
test('printf is Go Sprintf', () => {
  renders('{{ printf "%s-%d-%v-%q-%t-%.2f-%x-%05d" "a" 3 .M "q" true 3.14159 255 42 }}', { M: { b: 1, a: [1, 2] } }, 'a-3-map[a:[1 2] b:1]-"q"-true-3.14-ff-00042');
  renders('{{ printf "%s" (toDate "2006-01-02" "2026-03-04" | date "02/01/2006") | quote }}', {}, '"04/03/2026"');
  renders('{{ printf "%d" "x" }}', {}, '%!d(string=x)');
});
test('derivePassword and non-FIPS genPrivateKey fail with the Kanister message', () => {
  failsToRender('{{ derivePassword 1 "long" "pw" "user" "example.com" }}', {}, /sprig usage of 'derivePassword' is not allowed by kanister as it is not FIPS compatible/);
  failsToRender('{{ genPrivateKey "dsa" }}', {}, /sprig usage of 'genPrivateKey for dsa' is not allowed by kanister as it is not FIPS compatible/);
});
test('bcrypt and htpasswd are undefined functions (parse error)', () => {
  failsToParse('{{ bcrypt "x" }}', /^template: config:1:4: function "bcrypt" not defined/);
  failsToParse('{{ htpasswd "u" "p" }}', /^template: config:1:4: function "htpasswd" not defined/);
});
test('env, expandenv, now, uuidv4 and random functions exist and are injectable', () => {
  setTemplateEnvironment({ now: () => Date.UTC(2031, 5, 7), random: () => 0, variables: { HOME: '/root' } });
  try {
    renders('{{ env "HOME" }}|{{ expandenv "$HOME/x ${HOME}" }}|{{ now | date "2006-01-02" }}|{{ uuidv4 }}|{{ randAlphaNum 3 }}', {}, '/root|/root/x /root|2031-06-07|00000000-0000-4000-8000-000000000000|AAA');
  } finally {
    setTemplateEnvironment();
  }
  renders('[{{ env "PATH" }}]', {}, '[]');
});

// ---- Go particulars the dialect promises beyond the reference cases ----

test('whitespace trimming and the kanisterImage idiom', () => {
  const idiom = 'image: {{if index .Options "kanisterImage" }} {{- .Options.kanisterImage -}} {{else -}} ghcr.io/kanisterio/kanister-tools:0.1 {{- end}}\n';
  renders(idiom, { Options: {} }, 'image: ghcr.io/kanisterio/kanister-tools:0.1\n');
  renders(idiom, { Options: { kanisterImage: 'my/image:1' } }, 'image: my/image:1\n');
  renders('a\n  {{- if true }}\n  x\n  {{- end }}\nb', {}, 'a\n  x\nb');
});
test('block-only lines keep their newline (no Handlebars standalone stripping)', () => {
  renders('a\n{{ if true }}\nb\n{{ end }}\nc', {}, 'a\n\nb\n\nc');
});
test('no HTML escaping', () => renders('{{ .S }}', { S: `<a href="x">&'</a>` }, `<a href="x">&'</a>`));
test('range over a map in key order with variables, break, and else', () => {
  const data = { StatefulSet: { Pods: ['p0'], PersistentVolumeClaims: { p0: { 'data-b': '/b', 'data-a': '/a' } } } };
  renders('{{- range $key, $_ := index .StatefulSet.PersistentVolumeClaims (index .StatefulSet.Pods 0) -}} {{$key}} {{break}} {{end}}', data, 'data-a ');
  renders('{{ range $k, $v := .M }}{{ $k }}={{ $v }};{{ end }}', { M: { z: 1, a: 2 } }, 'a=2;z=1;');
  renders('{{ range .L }}x{{ else }}empty{{ end }}', { L: [] }, 'empty');
  renders('{{ range .L }}{{ if eq . 2 }}{{ continue }}{{ end }}{{ . }}{{ if eq . 3 }}{{ break }}{{ end }},{{ end }}', { L: [1, 2, 3, 4] }, '1,3');
  renders('{{ range $i, $ns := .Object.spec.nodeSets }}{{ $i }}:{{ $ns.name }} {{ end }}', { Object: { spec: { nodeSets: [{ name: 'a' }, { name: 'b' }] } } }, '0:a 1:b ');
});
test('if / else if / else, with / else, variables and $', () => {
  renders('{{ if .A }}A{{ else if .B }}B{{ else }}C{{ end }}', { A: '', B: 'b' }, 'B');
  renders('{{ with .P }}{{ .Name }}{{ else }}none{{ end }}|{{ with .Q }}x{{ else }}none{{ end }}', { P: { Name: 'n' }, Q: {} }, 'n|none');
  renders('{{ $x := 1 }}{{ if true }}{{ $x = 2 }}{{ $y := 3 }}{{ end }}{{ $x }}', {}, '2');
  renders('{{ range .L }}{{ $.Root }}{{ . }}{{ end }}', { Root: 'r', L: ['a', 'b'] }, 'rarb');
});
test('Wait-style condition: and/or short-circuit and variable assignment', () => {
  const cond = '{{ $available := false }}{{ range $condition := $.status.conditions }}{{ if and (eq .type "Available") (eq .status "True") }}{{ $available = true }}{{ end }}{{ end }}{{ $available }}';
  renders(cond, { status: { conditions: [{ type: 'Progressing', status: 'True' }, { type: 'Available', status: 'True' }] } }, 'true');
  renders('{{ if or (eq .a "x") .missing.field }}ok{{ end }}', { a: 'x' }, 'ok');
});
test('Go printing of maps, slices, numbers, booleans and nil', () => {
  renders('{{ .M }} {{ .L }} {{ .I }} {{ .F }} {{ .G }} {{ .T }} {{ .N }}', { M: { b: 'x', a: [1, null] }, L: [], I: 3, F: 0.5, G: 123456789.5, T: true, N: null }, 'map[a:[1 <nil>] b:x] [] 3 0.5 1.234567895e+08 true <no value>');
});
test('literals: numbers, chars, bools, nil, raw strings, comments, sub-expressions', () => {
  renders("{{ 0x1F }} {{ 'a' }} {{ -2 }} {{ 1.5 }} {{ true }} {{ print nil }} {{ `raw\\n` }}{{/* comment */}} {{ (len .L) }}", { L: [1, 2] }, '31 97 -2 1.5 true <nil> raw\\n 2');
  renders('{{ (index .Object.spec.template.spec.volumes 0).persistentVolumeClaim.claimName }}', { Object: { spec: { template: { spec: { volumes: [{ persistentVolumeClaim: { claimName: 'pvc-1' } }] } } } } }, 'pvc-1');
});
test('sprig coverage beyond the corpus', () => {
  renders('{{ default "d" .E }} {{ empty .E }} {{ coalesce .E "c" }} {{ ternary "y" "n" false }}', { E: '' }, 'd true c n');
  renders('{{ list 1 "a" }} {{ dict "b" 1 "a" 2 }} {{ keys (dict "b" 1 "a" 2) }} {{ hasKey (dict "a" 1) "a" }} {{ set (dict) "k" "v" }}', {}, '[1 a] map[a:2 b:1] [a b] true map[k:v]');
  renders('{{ split "/" "a/b" }} {{ splitList "/" "a/b" }} {{ join "," (list "a" "b") }} {{ toStrings (list 1 2) }}', {}, 'map[_0:a _1:b] [a b] a,b [1 2]');
  renders('{{ int "42" }} {{ int64 7 }} {{ float64 "1.5" }} {{ atoi "x" }} {{ add 1 2 }} {{ sub 5 3 }} {{ mul 2 3 }} {{ div 7 2 }} {{ mod 7 3 }} {{ max 1 5 3 }} {{ min 4 2 }}', {}, '42 7 1.5 0 3 2 6 3 1 5 2');
  renders('{{ sha256sum "abc" }}', {}, 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  renders('{{ b64enc "hello" }} {{ squote "x" }} {{ title "hello world" }} {{ trim "  x " }} {{ trimSuffix "-x" "a-x" }} {{ trimPrefix "a-" "a-x" }} {{ trimAll "$" "$a$" }}', {}, "aGVsbG8= 'x' Hello World x a x a");
  renders('{{ contains "b" "abc" }} {{ hasPrefix "a" "abc" }} {{ hasSuffix "c" "abc" }} {{ cat "a" 1 .N }} {{ substr 1 3 "abcd" }} {{ trunc 2 "abcd" }}', { N: null }, 'true true true a 1 bc ab');
  renders('{{ indent 2 "a\\nb" }}|{{ nindent 2 "x" }}', {}, '  a\n  b|\n  x');
  renders('{{ regexMatch "^[a-z]+$" "abc" }} {{ regexReplaceAll "a(x*)b" "-ab-axxb-" "${1}W" }}', {}, 'true -W-xxW-');
  renders('{{ toDate "2006-01-02" "2026-03-04" | unixEpoch }} {{ dateInZone "2006-01-02 15:04 MST" (toDate "2006-01-02" "2026-03-04") "UTC" }}', {}, '1772582400 2026-03-04 00:00 UTC');
  assert.match(renderTemplate('{{ randAlphaNum 12 }}', {}), /^[A-Za-z0-9]{12}$/);
  assert.match(renderTemplate('{{ uuidv4 }}', {}), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
});
test('missingKey zero (Go missingkey=zero/default) for Wait conditions', () => {
  assert.equal(renderTemplate('{{ .status.phase }}|{{ .Options.x }}', { status: {}, Options: withMapZero({}, '') }, { missingKey: 'zero' }), '<no value>|');
  assert.equal(renderTemplate('{{ if eq "true" "true" }}true{{ end }}', null, { missingKey: 'zero' }), 'true');
  assert.equal(renderTemplate('{{ range .status.conditions }}x{{ end }}done', {}, { missingKey: 'zero' }), 'done');
});
test('title follows strings.Title word separators', () => renders('{{ title "don\'t stop_me now-1x" }}', {}, "Don'T Stop_me Now-1x"));
test('unsupported constructs fail with a clear message and position', () => {
  failsToParse('x\n{{ define "t" }}{{ end }}', /^template: config:2:4: \{\{define\}\} is not supported by kanflow/, 2);
  failsToParse('{{ template "t" }}', /\{\{template\}\} is not supported by kanflow/);
  failsToParse('{{ genCA "x" 365 }}', /^template: config:1:4: function "genCA" is not supported by kanflow/);
  failsToParse('{{ get (dict "a" 1) "a" }}', /function "get" not defined \(it is not part of sprig v2\.22/);
});
test('syntax errors carry line, column and the offending text', () => {
  assert.throws(
    () => compileTemplate('ok\nok {{ .A | 3 }}'),
    (e: unknown) => e instanceof TemplateSyntaxError && e.line === 2 && e.column === 12 && /non executable command in pipeline stage 2/.test(e.message),
  );
});
test('compiled templates are cached by source', () => {
  assert.equal(compileTemplate('{{ .A }}'), compileTemplate('{{ .A }}'));
  assert.equal(isTemplated('plain ${VAR} {x}'), false);
  assert.equal(isTemplated('{{ .A }}'), true);
});
test('fieldPaths and functionNames for validation', () => {
  assert.deepEqual(
    fieldPaths('{{ .Profile.Location.Bucket }}{{ $.Options.x }}{{ with .Profile }}{{ .Credential.Type }}{{ end }}{{ range .L }}{{ .Rel }}{{ end }}'),
    [['Profile', 'Location', 'Bucket'], ['Options', 'x'], ['Profile'], ['Profile', 'Credential', 'Type'], ['L']],
  );
  assert.deepEqual(fieldPaths('{{ $o := .Deployment }}{{ index $o.Pods 0 }}'), [['Deployment'], ['Deployment', 'Pods']]);
  assert.deepEqual(functionNames('{{ nosuch .x | toString }}{{ index .a 1 | quote }}{{ if and .a .b }}{{ end }}'), ['nosuch', 'toString', 'index', 'quote', 'and']);
});
