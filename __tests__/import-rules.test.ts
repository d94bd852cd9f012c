/**
 * Import rules of the product code (core/, tasks/, workflows/, infra/, config/, migrate/, assess/, main.ts):
 * only the adapter layer tasks/aws/ talks to the AWS SDK, and core/ stays pure (nothing from
 * tasks/, infra/ or workflows/). Each rule is also run over a small fake file list, to prove it
 * catches what it forbids.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..');
const PRODUCT = ['core', 'tasks', 'workflows', 'infra', 'config', 'migrate', 'assess', 'main.ts'];

interface SourceFile {
  /** Path from the repository root, with `/`. */
  file: string;
  text: string;
}

interface Violation {
  rule: string;
  file: string;
  detail: string;
}

/** Every .ts file of the product (tests, bundles and generated output excluded). */
function productFiles(): SourceFile[] {
  const out: SourceFile[] = [];
  const walk = (rel: string): void => {
    const abs = path.join(ROOT, rel);
    if (fs.statSync(abs).isFile()) {
      if (rel.endsWith('.ts') && !rel.endsWith('.d.ts')) out.push({ file: rel.split(path.sep).join('/'), text: fs.readFileSync(abs, 'utf8') });
      return;
    }
    for (const entry of fs.readdirSync(abs)) if (entry !== 'node_modules' && !entry.startsWith('.')) walk(path.join(rel, entry));
  };
  for (const p of PRODUCT) if (fs.existsSync(path.join(ROOT, p))) walk(p);
  return out;
}

/** Module specifiers of `import … from`, `export … from`, `import('…')` and `require('…')`. */
function moduleSpecifiers(text: string): string[] {
  const withoutComments = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1');
  const found: string[] = [];
  const patterns = [/\b(?:import|export)\s[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]/g, /\bimport\s*['"]([^'"]+)['"]/g, /\b(?:import|require)\s*\(\s*['"]([^'"]+)['"]\s*\)/g];
  for (const re of patterns) for (const m of withoutComments.matchAll(re)) found.push(m[1]);
  return found;
}

/** A relative specifier resolved to a path from the repository root. */
function resolveFrom(file: string, spec: string): string | undefined {
  if (!spec.startsWith('.')) return undefined;
  return path.posix.normalize(path.posix.join(path.posix.dirname(file), spec));
}

const inAdapterLayer = (file: string): boolean => file.startsWith('tasks/aws/');

/** Rule 1: only tasks/aws/** imports `@aws-sdk/client-*` (type imports included). */
function sdkImportViolations(files: readonly SourceFile[]): Violation[] {
  return files.flatMap((f) =>
    inAdapterLayer(f.file)
      ? []
      : moduleSpecifiers(f.text)
          .filter((s) => s.startsWith('@aws-sdk/client-'))
          .map((s) => ({ rule: 'sdk-import', file: f.file, detail: s })),
  );
}

/** Rule 2: no file outside tasks/aws constructs an SDK client (`new …Client(`). */
function clientConstructionViolations(files: readonly SourceFile[]): Violation[] {
  return files.flatMap((f) =>
    inAdapterLayer(f.file) ? [] : [...f.text.matchAll(/\bnew\s+([A-Za-z0-9_]*Client)\s*\(/g)].map((m) => ({ rule: 'client-construction', file: f.file, detail: m[1] })),
  );
}

/** Rule 3: core/ imports nothing from tasks/, infra/ or workflows/. */
function coreUpwardViolations(files: readonly SourceFile[]): Violation[] {
  return files
    .filter((f) => f.file.startsWith('core/'))
    .flatMap((f) =>
      moduleSpecifiers(f.text)
        .map((s) => ({ s, target: resolveFrom(f.file, s) }))
        .filter(({ target }) => target !== undefined && /^(tasks|infra|workflows)(\/|$)/.test(target))
        .map(({ s }) => ({ rule: 'core-upward', file: f.file, detail: s })),
    );
}

const files = productFiles();

describe('import rules of the product code', () => {
  it('scans the product folders (a rule over no files proves nothing)', () => {
    const folders = new Set(files.map((f) => f.file.split('/')[0]));
    for (const p of PRODUCT) expect(folders).toContain(p);
    expect(files.some((f) => f.file.startsWith('tasks/aws/'))).toBe(true);
  });

  it('only tasks/aws/ imports @aws-sdk/client-* (types included)', () => {
    expect(sdkImportViolations(files)).toEqual([]);
  });

  it('no file outside tasks/aws/ constructs an SDK client', () => {
    expect(clientConstructionViolations(files)).toEqual([]);
  });

  it('core/ imports nothing from tasks/, infra/ or workflows/', () => {
    expect(coreUpwardViolations(files)).toEqual([]);
  });

  it('the adapter layer does import the SDK (the rules look at the right specifiers)', () => {
    const adapters = files.filter((f) => inAdapterLayer(f.file));
    expect(adapters.flatMap((f) => moduleSpecifiers(f.text)).filter((s) => s.startsWith('@aws-sdk/client-')).length).toBeGreaterThan(0);
  });
});

describe('each import rule catches a violation', () => {
  const fake = (file: string, text: string): SourceFile => ({ file, text });

  it('an SDK import outside tasks/aws/, in any form, is caught; inside it is allowed', () => {
    const violations = sdkImportViolations([
      fake('tasks/collect/bad.ts', "import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';"),
      fake('tasks/collect/bad-type.ts', "import type { Campaign } from '@aws-sdk/client-personalize';"),
      fake('infra/bad-reexport.ts', "export type { SNSClient } from '@aws-sdk/client-sns';"),
      fake('core/bad-require.ts', "const sfn = require('@aws-sdk/client-sfn');"),
      fake('workflows/bad-multiline.ts', "import {\n  PutEventsCommand,\n  type EventBridgeClient,\n} from '@aws-sdk/client-eventbridge';"),
      fake('tasks/aws/ok.ts', "import { PublishCommand } from '@aws-sdk/client-sns';"),
      fake('tasks/collect/comment.ts', "// import { X } from '@aws-sdk/client-sns';\nimport { publish } from '../aws/sns';"),
    ]);
    expect(violations.map((v) => v.file)).toEqual(['tasks/collect/bad.ts', 'tasks/collect/bad-type.ts', 'infra/bad-reexport.ts', 'core/bad-require.ts', 'workflows/bad-multiline.ts']);
  });

  it('a client constructed outside tasks/aws/ is caught; inside it is allowed', () => {
    const violations = clientConstructionViolations([
      fake('tasks/action-finish/handler.ts', 'events ??= new EventBridgeClient({ region });'),
      fake('tasks/collect/handler.ts', 'const c = { personalize: new PersonalizeClient({ region }), cloudwatch: new CloudWatchClient({ region }) };'),
      fake('tasks/aws/clients.ts', 'return new SNSClient(config(region));'),
      fake('tasks/collect/ok.ts', 'const c = awsClients.personalize(region);'),
    ]);
    expect(violations.map((v) => `${v.file}:${v.detail}`)).toEqual([
      'tasks/action-finish/handler.ts:EventBridgeClient',
      'tasks/collect/handler.ts:PersonalizeClient',
      'tasks/collect/handler.ts:CloudWatchClient',
    ]);
  });

  it('core/ importing tasks/, infra/ or workflows/ is caught; core/ and config/ imports are allowed', () => {
    const violations = coreUpwardViolations([
      fake('core/dashboard/names.ts', "import { resourceName } from '../../infra/names';"),
      fake('core/findings.ts', "import type { ValidateActionInput } from '../tasks/action-validate/validate';"),
      fake('core/x.ts', "export { monitor } from '../workflows/monitor';"),
      fake('core/ok.ts', "import { DEFAULT_BEHAVIOUR } from '../config/schema';\nimport { names } from './contracts/names';"),
      fake('tasks/collect/ok.ts', "import { x } from '../../infra/names';"),
    ]);
    expect(violations.map((v) => v.file)).toEqual(['core/dashboard/names.ts', 'core/findings.ts', 'core/x.ts']);
  });
});
