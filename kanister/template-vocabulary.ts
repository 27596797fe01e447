// The names a Kanister template may use: top-level TemplateParams fields (pkg/param/param.go) and the
// functions of Go text/template plus sprig v2.22 (spec §7.2). Validation checks templates against these.

/** Top-level fields of Kanister's TemplateParams (Go names, case-sensitive). */
export const TEMPLATE_PARAM_NAMES: ReadonlySet<string> = new Set([
  'Namespace',
  'Object',
  'Deployment',
  'StatefulSet',
  'DeploymentConfig',
  'PVC',
  'ArtifactsIn',
  'ConfigMaps',
  'Secrets',
  'Time',
  'Profile',
  'Options',
  'Phases',
  'CurrentPhase',
  'DeferPhase',
  'PodOverride',
  'PodLabels',
  'PodAnnotations',
]);

const GO_BUILTINS = ['and', 'or', 'not', 'eq', 'ne', 'lt', 'le', 'gt', 'ge', 'len', 'index', 'slice', 'print', 'printf', 'println', 'html', 'js', 'urlquery', 'call'];

const SPRIG_V2_22 = [
  // date
  'now', 'date', 'dateInZone', 'date_in_zone', 'dateModify', 'date_modify', 'htmlDate', 'htmlDateInZone', 'ago', 'toDate', 'unixEpoch',
  // strings
  'trim', 'trimAll', 'trimall', 'trimPrefix', 'trimSuffix', 'upper', 'lower', 'title', 'untitle', 'substr', 'repeat', 'trunc',
  'abbrev', 'abbrevboth', 'nospace', 'initials', 'swapcase', 'shuffle', 'snakecase', 'camelcase', 'kebabcase', 'wrap', 'wrapWith',
  'contains', 'hasPrefix', 'hasSuffix', 'quote', 'squote', 'cat', 'indent', 'nindent', 'replace', 'plural', 'toString', 'toStrings',
  'split', 'splitList', 'splitn', 'join', 'sortAlpha', 'regexMatch', 'regexFind', 'regexFindAll', 'regexReplaceAll',
  'regexReplaceAllLiteral', 'regexSplit', 'hello',
  // random
  'randAlphaNum', 'randAlpha', 'randAscii', 'randNumeric', 'uuidv4',
  // math and conversion
  'add', 'add1', 'sub', 'mul', 'div', 'mod', 'max', 'min', 'biggest', 'ceil', 'floor', 'round', 'until', 'untilStep', 'atoi', 'int',
  'int64', 'float64', 'toDecimal',
  // flow and defaults
  'default', 'empty', 'coalesce', 'compact', 'ternary', 'fail', 'deepCopy', 'deepEqual',
  // encoding
  'toJson', 'toPrettyJson', 'b64enc', 'b64dec', 'b32enc', 'b32dec',
  // types
  'typeOf', 'typeIs', 'typeIsLike', 'kindOf', 'kindIs',
  // os and net
  'env', 'expandenv', 'getHostByName',
  // paths
  'base', 'dir', 'clean', 'ext', 'isAbs',
  // lists
  'list', 'tuple', 'append', 'push', 'prepend', 'first', 'rest', 'last', 'initial', 'reverse', 'uniq', 'without', 'has', 'concat',
  // dicts
  'dict', 'set', 'unset', 'hasKey', 'pluck', 'keys', 'pick', 'omit', 'merge', 'mergeOverwrite', 'values',
  // crypto
  'sha1sum', 'sha256sum', 'adler32sum', 'genPrivateKey', 'buildCustomCert', 'genCA', 'genSelfSignedCert', 'genSignedCert',
  'encryptAES', 'decryptAES', 'derivePassword',
  // semver and urls
  'semver', 'semverCompare', 'urlParse', 'urlJoin',
];

/** Every function name a Kanister template may call. */
export const TEMPLATE_FUNCTION_NAMES: ReadonlySet<string> = new Set([...GO_BUILTINS, ...SPRIG_V2_22]);

/** Helm-only or sprig-v3-only names people reach for: a hint makes the error actionable. */
export const UNAVAILABLE_FUNCTION_HINTS: ReadonlyMap<string, string> = new Map([
  ['toYaml', 'Helm only'],
  ['fromYaml', 'Helm only'],
  ['include', 'Helm only'],
  ['tpl', 'Helm only'],
  ['required', 'Helm only'],
  ['lookup', 'Helm only'],
  ['fromJson', 'sprig v3 only'],
  ['toRawJson', 'sprig v3 only'],
  ['dig', 'sprig v3 only'],
  ['get', 'sprig v3 only'],
  ['seq', 'sprig v3 only'],
  ['randInt', 'sprig v3 only'],
  ['duration', 'sprig v3 only'],
]);
