/**
 * Pure comparison of two synthesized cdk.tf.json documents (the cdktf tree against the cdktn
 * tree). No I/O: `compare.ts` does the installs and synths, this only diffs and renders.
 *
 * Every difference is classified:
 * - `version`: an expected, LISTED difference (required_providers version, required_version,
 *   the framework version in the top-level "//" metadata); does not fail the comparison;
 * - `unexpected`: anything else (an address added or removed, a changed argument, a provider
 *   block, an output, the backend); fails the comparison.
 * Values that are expected to differ between two scratch trees (the absolute tree root in the
 * local backend path, asset paths and hashes) are MASKED before diffing; every mask applied is
 * recorded, with whether the raw values were in fact equal.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export type Side = 'baseline' | 'candidate';

export interface Change {
  /** Dotted path inside cdk.tf.json (segments with dots are bracketed: `a["b.c"]`). */
  path: string;
  kind: 'added' | 'removed' | 'changed';
  baseline?: Json;
  candidate?: Json;
}

export interface VersionDifference extends Change {
  /** What the version is of, e.g. `terraform provider aws` or `CDK framework (//.metadata.version)`. */
  what: string;
}

/** A difference in spelling only: listed, not failing, because both spellings mean the same. */
export interface Equivalence extends Change {
  why: string;
}

export interface MaskRecord {
  path: string;
  rule: string;
  /** Raw (unmasked) values were identical: the mask hid nothing. */
  rawEqual: boolean;
  baseline?: string;
  candidate?: string;
}

export interface AddressChanges {
  address: string;
  changes: Change[];
}

export interface SectionReport {
  /** Addresses (or output names) in the candidate only. */
  added: string[];
  /** Addresses (or output names) in the baseline only. */
  removed: string[];
  /** Present in both. */
  common: number;
  /** Present in both with different arguments (after masking). */
  changed: AddressChanges[];
}

export interface CompareReport {
  resources: SectionReport;
  dataSources: SectionReport;
  outputs: SectionReport;
  /** The provider blocks (`provider.aws[...]`). */
  providers: Change[];
  /** Listed (expected) version differences. */
  versionDifferences: VersionDifference[];
  /** Listed differences of spelling with one meaning (a provider source with and without its implied namespace). */
  equivalences: Equivalence[];
  /** Everything under `terraform` other than the listed version keys (backend, sources, ...). */
  terraform: Change[];
  /** Top-level "//" metadata other than its version. */
  metadata: Change[];
  /** Any other top-level key (locals, variable, module, ...). */
  other: Change[];
  masked: MaskRecord[];
  /** Number of unexpected differences (0 = the comparison passes). */
  unexpected: number;
  ok: boolean;
}

export interface MaskOptions {
  /** Absolute root of each tree: replaced by `<ROOT>` in every string. */
  roots?: Partial<Record<Side, string>>;
}

const ASSET_PATH = /assets\/([^/"]+)\/([0-9A-Fa-f]{16,})\/([^"]*)/g;
const HASH_PLACEHOLDER = '<ASSET_HASH>';
const ROOT_PLACEHOLDER = '<ROOT>';

function isObject(v: Json | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function segment(key: string): string {
  return /^[A-Za-z_][A-Za-z0-9_-]*$/.test(key) ? key : `[${JSON.stringify(key)}]`;
}

export function joinPath(segments: readonly (string | number)[]): string {
  return segments
    .map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 || segment(s).startsWith('[') ? segment(s) : `.${segment(s)}`))
    .join('');
}

/** Asset hashes named by asset paths (`assets/<stack>/<HASH>/...`) anywhere in the document. */
export function assetHashes(doc: Json): Set<string> {
  const hashes = new Set<string>();
  const walk = (v: Json): void => {
    if (typeof v === 'string') for (const m of v.matchAll(ASSET_PATH)) hashes.add(m[2]);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (isObject(v)) Object.values(v).forEach(walk);
  };
  walk(doc);
  return hashes;
}

function maskString(value: string, root: string | undefined, hashes: Set<string>): { value: string; rules: string[] } {
  const rules: string[] = [];
  let out = value;
  if (root && out.includes(root)) {
    out = out.split(root).join(ROOT_PLACEHOLDER);
    rules.push('tree root');
  }
  for (const hash of hashes) {
    if (out.includes(hash)) {
      out = out.split(hash).join(HASH_PLACEHOLDER);
      if (!rules.includes('asset hash')) rules.push('asset hash');
    }
  }
  return { value: out, rules };
}

/** Returns a masked copy of `doc` and, per masked path, the raw value and rules applied. */
export function maskDocument(doc: Json, root?: string): { doc: Json; masked: Map<string, { raw: string; rules: string[] }> } {
  const hashes = assetHashes(doc);
  const masked = new Map<string, { raw: string; rules: string[] }>();
  const walk = (v: Json, at: (string | number)[]): Json => {
    if (typeof v === 'string') {
      const m = maskString(v, root, hashes);
      if (m.rules.length) masked.set(joinPath(at), { raw: v, rules: m.rules });
      return m.value;
    }
    if (Array.isArray(v)) return v.map((x, i) => walk(x, [...at, i]));
    if (isObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, [...at, k])]));
    return v;
  };
  return { doc: walk(doc, []), masked };
}

function equal(a: Json | undefined, b: Json | undefined): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Leaf-level differences between `a` (baseline) and `b` (candidate); arrays compared by index. */
export function deepDiff(a: Json | undefined, b: Json | undefined, at: (string | number)[] = []): Change[] {
  if (equal(a, b)) return [];
  if (a === undefined) return [{ path: joinPath(at), kind: 'added', candidate: b }];
  if (b === undefined) return [{ path: joinPath(at), kind: 'removed', baseline: a }];
  if (isObject(a) && isObject(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    return keys.flatMap((k) => deepDiff(a[k], b[k], [...at, k]));
  }
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
    return a.flatMap((x, i) => deepDiff(x, b[i], [...at, i]));
  }
  return [{ path: joinPath(at), kind: 'changed', baseline: a, candidate: b }];
}

function obj(v: Json | undefined): JsonObject {
  return isObject(v) ? v : {};
}

/** `resource` / `data` → { "<type>.<name>": arguments }. */
function addresses(block: Json | undefined, prefix: string): Map<string, Json> {
  const out = new Map<string, Json>();
  for (const [type, byName] of Object.entries(obj(block))) {
    for (const [name, args] of Object.entries(obj(byName))) out.set(`${prefix}${type}.${name}`, args);
  }
  return out;
}

function compareSection(a: Map<string, Json>, b: Map<string, Json>, pathOf: (address: string) => (string | number)[]): SectionReport {
  const added = [...b.keys()].filter((k) => !a.has(k)).sort();
  const removed = [...a.keys()].filter((k) => !b.has(k)).sort();
  const commonKeys = [...a.keys()].filter((k) => b.has(k)).sort();
  const changed = commonKeys
    .map((address) => ({ address, changes: deepDiff(a.get(address), b.get(address), pathOf(address)) }))
    .filter((c) => c.changes.length > 0);
  return { added, removed, common: commonKeys.length, changed };
}

function splitAddress(address: string, prefix: string): (string | number)[] {
  const rest = address.slice(prefix.length);
  const dot = rest.indexOf('.');
  return [rest.slice(0, dot), rest.slice(dot + 1)];
}

/** Which `terraform.*` and `//` paths are versions (listed, expected to differ). */
function versionOf(path: string): string | undefined {
  let m = /^terraform\.required_providers\.([^.[]+|\["[^"]+"\])\.version$/.exec(path);
  if (m) return `terraform provider ${m[1].replace(/^\["|"\]$/g, '')} (required_providers version)`;
  if (path === 'terraform.required_version') return 'Terraform CLI (required_version)';
  m = /^\["\/\/"\]\.metadata\.version$/.exec(path);
  if (m) return 'CDK framework (top-level "//".metadata.version)';
  return undefined;
}

/**
 * Terraform's canonical form of a provider source address: `[<hostname>/]<namespace>/<type>`,
 * hostname defaulting to registry.terraform.io and, for a bare `<type>` (the legacy shorthand),
 * namespace to hashicorp. Case-insensitive.
 */
export function canonicalProviderSource(source: string): string {
  const parts = source.toLowerCase().split('/');
  if (parts.length === 1) return `registry.terraform.io/hashicorp/${parts[0]}`;
  if (parts.length === 2) return `registry.terraform.io/${parts[0]}/${parts[1]}`;
  return parts.join('/');
}

function equivalenceOf(change: Change): string | undefined {
  if (/^terraform\.required_providers\.[^.]+\.source$/.test(change.path) && typeof change.baseline === 'string' && typeof change.candidate === 'string') {
    const a = canonicalProviderSource(change.baseline);
    const b = canonicalProviderSource(change.candidate);
    if (a === b) return `both name provider ${a}`;
  }
  return undefined;
}

/**
 * Compares a baseline (cdktf) and a candidate (cdktn) cdk.tf.json.
 * @param options.roots absolute root of each tree, masked wherever it appears (the local backend path).
 */
export function compareSynth(baselineRaw: Json, candidateRaw: Json, options: MaskOptions = {}): CompareReport {
  const mb = maskDocument(baselineRaw, options.roots?.baseline);
  const mc = maskDocument(candidateRaw, options.roots?.candidate);
  const baseline = obj(mb.doc);
  const candidate = obj(mc.doc);

  const masked: MaskRecord[] = [...new Set([...mb.masked.keys(), ...mc.masked.keys()])].sort().map((path) => {
    const rb = mb.masked.get(path);
    const rc = mc.masked.get(path);
    return {
      path,
      rule: [...new Set([...(rb?.rules ?? []), ...(rc?.rules ?? [])])].join(', '),
      rawEqual: rb?.raw === rc?.raw,
      ...(rb ? { baseline: rb.raw } : {}),
      ...(rc ? { candidate: rc.raw } : {}),
    };
  });

  const resources = compareSection(addresses(baseline.resource, ''), addresses(candidate.resource, ''), (a) => ['resource', ...splitAddress(a, '')]);
  const dataSources = compareSection(addresses(baseline.data, 'data.'), addresses(candidate.data, 'data.'), (a) => ['data', ...splitAddress(a, 'data.')]);
  const outputs = compareSection(
    new Map(Object.entries(obj(baseline.output))),
    new Map(Object.entries(obj(candidate.output))),
    (name) => ['output', name],
  );
  const providers = deepDiff(baseline.provider, candidate.provider, ['provider']);

  const versionDifferences: VersionDifference[] = [];
  const equivalences: Equivalence[] = [];
  const terraform: Change[] = [];
  const metadata: Change[] = [];
  for (const change of [...deepDiff(baseline.terraform, candidate.terraform, ['terraform']), ...deepDiff(baseline['//'], candidate['//'], ['//'])]) {
    const what = versionOf(change.path);
    const why = equivalenceOf(change);
    if (what) versionDifferences.push({ ...change, what });
    else if (why) equivalences.push({ ...change, why });
    else if (change.path.startsWith('terraform')) terraform.push(change);
    else metadata.push(change);
  }
  const known = new Set(['resource', 'data', 'output', 'provider', 'terraform', '//']);
  const otherKeys = [...new Set([...Object.keys(baseline), ...Object.keys(candidate)])].filter((k) => !known.has(k)).sort();
  const other = otherKeys.flatMap((k) => deepDiff(baseline[k], candidate[k], [k]));

  const sectionCount = (s: SectionReport) => s.added.length + s.removed.length + s.changed.reduce((n, c) => n + c.changes.length, 0);
  const unexpected =
    sectionCount(resources) + sectionCount(dataSources) + sectionCount(outputs) + providers.length + terraform.length + metadata.length + other.length;
  return { resources, dataSources, outputs, providers, versionDifferences, equivalences, terraform, metadata, other, masked, unexpected, ok: unexpected === 0 };
}

function show(v: Json | undefined): string {
  if (v === undefined) return '—';
  const s = JSON.stringify(v);
  return s.length > 160 ? `${s.slice(0, 157)}...` : s;
}

function cell(s: string): string {
  return `\`${s.replace(/\|/g, '\\|').replace(/`/g, "'")}\``;
}

function changeRows(changes: readonly Change[]): string[] {
  return changes.map((c) => `| ${cell(c.path)} | ${c.kind} | ${cell(show(c.baseline))} | ${cell(show(c.candidate))} |`);
}

const CHANGE_HEADER = ['| path | kind | cdktf (baseline) | cdktn (candidate) |', '|---|---|---|---|'];

function sectionMarkdown(title: string, s: SectionReport): string[] {
  const lines = [`### ${title}`, '', `${s.common} in both, ${s.added.length} added (cdktn only), ${s.removed.length} removed (cdktf only), ${s.changed.length} with changed arguments.`, ''];
  if (s.added.length) lines.push('Added:', '', ...s.added.map((a) => `- \`${a}\``), '');
  if (s.removed.length) lines.push('Removed:', '', ...s.removed.map((a) => `- \`${a}\``), '');
  for (const c of s.changed) lines.push(`Changed \`${c.address}\`:`, '', ...CHANGE_HEADER, ...changeRows(c.changes), '');
  return lines;
}

/** Human-readable report of a comparison (the markdown file `compare.ts` writes). */
export function renderMarkdown(report: CompareReport, context: { title?: string; facts?: Record<string, string> } = {}): string {
  const lines: string[] = [`# ${context.title ?? 'cdktf vs cdktn synth comparison'}`, ''];
  if (context.facts) {
    lines.push('| | |', '|---|---|', ...Object.entries(context.facts).map(([k, v]) => `| ${k} | ${v.replace(/\|/g, '\\|')} |`), '');
  }
  lines.push(
    `**Result: ${report.ok ? 'PASS' : 'FAIL'}**: ${report.unexpected} unexpected difference(s), ${report.versionDifferences.length} listed version difference(s), ${report.equivalences.length} listed equivalent spelling(s), ${report.masked.length} masked value(s).`,
    '',
    '## Version differences (listed, expected)',
    '',
  );
  if (report.versionDifferences.length) {
    lines.push('| what | path | cdktf (baseline) | cdktn (candidate) |', '|---|---|---|---|');
    for (const v of report.versionDifferences) lines.push(`| ${v.what} | ${cell(v.path)} | ${cell(show(v.baseline))} | ${cell(show(v.candidate))} |`);
  } else lines.push('None.');
  lines.push('', '## Equivalent spellings (listed, expected)', '');
  if (report.equivalences.length) {
    lines.push('| path | cdktf (baseline) | cdktn (candidate) | why equivalent |', '|---|---|---|---|');
    for (const e of report.equivalences) lines.push(`| ${cell(e.path)} | ${cell(show(e.baseline))} | ${cell(show(e.candidate))} | ${e.why} |`);
  } else lines.push('None.');
  lines.push('', '## Unexpected differences', '');
  lines.push(...sectionMarkdown('Resources', report.resources), ...sectionMarkdown('Data sources', report.dataSources), ...sectionMarkdown('Outputs', report.outputs));
  for (const [title, changes] of [
    ['Provider blocks', report.providers],
    ['terraform block (other than versions)', report.terraform],
    ['Top-level "//" metadata (other than version)', report.metadata],
    ['Other top-level keys', report.other],
  ] as const) {
    lines.push(`### ${title}`, '');
    if (changes.length) lines.push(...CHANGE_HEADER, ...changeRows(changes), '');
    else lines.push('No differences.', '');
  }
  lines.push('## Masked values', '');
  if (report.masked.length) {
    const hidden = report.masked.filter((m) => !m.rawEqual);
    lines.push(
      `${report.masked.length} value(s) masked; the raw values differed in ${hidden.length} of them.`,
      '',
      '| path | rule | raw values equal |',
      '|---|---|---|',
      ...report.masked.map((m) => `| ${cell(m.path)} | ${m.rule} | ${m.rawEqual ? 'yes' : 'no'} |`),
      '',
    );
  } else lines.push('None.', '');
  return lines.join('\n');
}

/** One-screen summary for the terminal. */
export function renderSummary(report: CompareReport): string {
  const s = (name: string, r: SectionReport) =>
    `${name}: ${r.common} common, +${r.added.length} -${r.removed.length}, ${r.changed.length} changed${r.added.length ? `\n    added: ${r.added.join(', ')}` : ''}${
      r.removed.length ? `\n    removed: ${r.removed.join(', ')}` : ''
    }${r.changed.map((c) => `\n    ${c.address}: ${c.changes.map((x) => `${x.path} ${show(x.baseline)} -> ${show(x.candidate)}`).join('; ')}`).join('')}`;
  const lines = [
    s('resources', report.resources),
    s('data sources', report.dataSources),
    s('outputs', report.outputs),
    `provider blocks: ${report.providers.length} difference(s)`,
    `terraform block (non-version): ${report.terraform.length} difference(s)${report.terraform.map((c) => `\n    ${c.path}: ${show(c.baseline)} -> ${show(c.candidate)}`).join('')}`,
    `metadata (non-version): ${report.metadata.length} difference(s)${report.metadata.map((c) => `\n    ${c.path}: ${show(c.baseline)} -> ${show(c.candidate)}`).join('')}`,
    `other top-level keys: ${report.other.length} difference(s)`,
    `version differences (listed):${report.versionDifferences.length ? '' : ' none'}`,
    ...report.versionDifferences.map((v) => `    ${v.what}: ${show(v.baseline)} -> ${show(v.candidate)}`),
    `equivalent spellings (listed):${report.equivalences.length ? '' : ' none'}`,
    ...report.equivalences.map((e) => `    ${e.path}: ${show(e.baseline)} -> ${show(e.candidate)} (${e.why})`),
    `masked: ${report.masked.length} value(s), raw values differed in ${report.masked.filter((m) => !m.rawEqual).length}`,
    `RESULT: ${report.ok ? 'PASS' : 'FAIL'} (${report.unexpected} unexpected difference(s))`,
  ];
  return lines.join('\n');
}
