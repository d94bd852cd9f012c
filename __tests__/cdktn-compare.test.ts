/**
 * The cdktf-vs-cdktn comparison logic (scripts/cdktn/diff.ts) on small fake cdk.tf.json
 * documents. Pure: the real scratch install + synth (`npm run compare:cdktn`) never runs here.
 */
import { canonicalProviderSource, compareSynth, renderMarkdown, renderSummary, type Json, type JsonObject } from '../scripts/cdktn/diff';
import { frameworkImports, scratchPackageJson } from '../scripts/cdktn/compare';

const HASH_A = '711E351C3FCCFEBA7ED2C8EA333660FB';
const HASH_B = '0123456789ABCDEF0123456789ABCDEF';

function doc(root: string, overrides: { version?: string; providerVersion?: string; source?: string; hash?: string } = {}): JsonObject {
  const hash = overrides.hash ?? HASH_A;
  return {
    '//': { metadata: { backend: 'local', stackName: 'pm', version: overrides.version ?? '0.21.0' }, outputs: { pm: { arn: 'arn' } } },
    data: { aws_partition: { partition: { '//': { metadata: { path: 'pm/partition', uniqueId: 'partition' } } } } },
    provider: { aws: [{ region: 'us-east-1', default_tags: [{ tags: { Application: 'PersonalizeMonitor' } }] }] },
    resource: {
      aws_lambda_function: {
        collect_function_ABC: {
          filename: `assets/collect_bundle_X/${hash}/archive.zip`,
          source_code_hash: hash,
          memory_size: 256,
          environment: { variables: { PM_REGIONS: '["us-east-1"]' } },
        },
      },
      aws_sns_topic: { topic_1: { name: 'pm-topic' } },
    },
    output: { arn: { value: '${aws_sns_topic.topic_1.arn}' } },
    terraform: {
      backend: { local: { path: `${root}/terraform.pm.tfstate` } },
      required_providers: { aws: { source: overrides.source ?? 'aws', version: overrides.providerVersion ?? '6.25.0' } },
    },
  };
}

const roots = { baseline: '/tmp/x/baseline', candidate: '/tmp/x/cdktn' };

describe('compareSynth', () => {
  it('passes when only versions differ, and LISTS each version difference', () => {
    const report = compareSynth(doc(roots.baseline), doc(roots.candidate, { version: '0.24.0', providerVersion: '6.66.0' }), { roots });
    expect(report.ok).toBe(true);
    expect(report.unexpected).toBe(0);
    expect(report.versionDifferences.map((v) => [v.path, v.baseline, v.candidate])).toEqual([
      ['terraform.required_providers.aws.version', '6.25.0', '6.66.0'],
      ['["//"].metadata.version', '0.21.0', '0.24.0'],
    ]);
    expect(report.resources).toMatchObject({ common: 2, added: [], removed: [], changed: [] });
  });

  it('masks the tree root in the backend path and asset hashes, recording whether raw values were equal', () => {
    const report = compareSynth(doc(roots.baseline), doc(roots.candidate, { hash: HASH_B }), { roots });
    expect(report.ok).toBe(true);
    const byPath = Object.fromEntries(report.masked.map((m) => [m.path, m]));
    expect(byPath['terraform.backend.local.path']).toMatchObject({ rule: 'tree root', rawEqual: false });
    expect(byPath['resource.aws_lambda_function.collect_function_ABC.source_code_hash']).toMatchObject({ rule: 'asset hash', rawEqual: false });
    expect(byPath['resource.aws_lambda_function.collect_function_ABC.filename'].baseline).toContain(HASH_A);
  });

  it('fails on added and removed addresses and names them', () => {
    const b = doc(roots.baseline);
    const c = doc(roots.candidate);
    const cRes = c.resource as Record<string, Record<string, Json>>;
    delete cRes.aws_sns_topic;
    cRes.aws_sqs_queue = { dlq: { name: 'pm-dlq' } };
    const report = compareSynth(b, c, { roots });
    expect(report.ok).toBe(false);
    expect(report.resources.added).toEqual(['aws_sqs_queue.dlq']);
    expect(report.resources.removed).toEqual(['aws_sns_topic.topic_1']);
  });

  it('fails on a changed argument and shows both values', () => {
    const c = doc(roots.candidate);
    ((c.resource as JsonObject).aws_lambda_function as Record<string, JsonObject>).collect_function_ABC.memory_size = 512;
    const report = compareSynth(doc(roots.baseline), c, { roots });
    expect(report.ok).toBe(false);
    expect(report.resources.changed).toEqual([
      {
        address: 'aws_lambda_function.collect_function_ABC',
        changes: [{ path: 'resource.aws_lambda_function.collect_function_ABC.memory_size', kind: 'changed', baseline: 256, candidate: 512 }],
      },
    ]);
    expect(renderSummary(report)).toContain('memory_size 256 -> 512');
  });

  it('fails on provider block and output differences', () => {
    const c = doc(roots.candidate);
    ((c.provider as JsonObject).aws as JsonObject[])[0].region = 'eu-west-1';
    (c.output as JsonObject).extra = { value: 'x' };
    const report = compareSynth(doc(roots.baseline), c, { roots });
    expect(report.providers).toEqual([{ path: 'provider.aws[0].region', kind: 'changed', baseline: 'us-east-1', candidate: 'eu-west-1' }]);
    expect(report.outputs.added).toEqual(['extra']);
    expect(report.unexpected).toBe(2);
  });

  it('lists a provider source spelled with its implied namespace as equivalent, and fails on a different provider', () => {
    const same = compareSynth(doc(roots.baseline), doc(roots.candidate, { source: 'hashicorp/aws' }), { roots });
    expect(same.ok).toBe(true);
    expect(same.equivalences).toMatchObject([{ path: 'terraform.required_providers.aws.source', baseline: 'aws', candidate: 'hashicorp/aws' }]);
    const other = compareSynth(doc(roots.baseline), doc(roots.candidate, { source: 'someone/aws' }), { roots });
    expect(other.ok).toBe(false);
    expect(other.terraform.map((t) => t.path)).toEqual(['terraform.required_providers.aws.source']);
    expect(canonicalProviderSource('registry.terraform.io/hashicorp/aws')).toBe(canonicalProviderSource('aws'));
  });

  it('renders a markdown report with the result and the listed differences', () => {
    const report = compareSynth(doc(roots.baseline), doc(roots.candidate, { providerVersion: '6.66.0' }), { roots });
    const md = renderMarkdown(report, { facts: { date: '2026-12-01' } });
    expect(md).toContain('**Result: PASS**');
    expect(md).toContain('`"6.25.0"` | `"6.66.0"`');
  });
});

describe('the seam', () => {
  it('finds every value imported from cdktf and the deep provider paths, not type-only imports', () => {
    const imports = frameworkImports({
      'a.ts': "import { App, Fn, TerraformOutput } from 'cdktf';\nimport type { ITerraformDependable } from 'cdktf';",
      'b.ts': "import {\n  SfnStateMachine,\n  type SfnStateMachineConfig,\n} from '@cdktf/provider-aws/lib/sfn-state-machine';",
    });
    expect(Object.fromEntries([...imports].map(([k, v]) => [k, [...v]]))).toEqual({
      cdktf: ['App', 'Fn', 'TerraformOutput'],
      '@cdktf/provider-aws/lib/sfn-state-machine': ['SfnStateMachine'],
    });
  });

  it('changes only the aliased entries and keeps just the devDependencies synth needs', () => {
    const pkg = { name: 'pm', dependencies: { cdktf: '0.21.0', zod: '3.25.76' }, devDependencies: { esbuild: '0.28.2', jest: '29.7.0', tsx: '4.23.15' } };
    expect(scratchPackageJson(pkg, { cdktf: 'npm:cdktn@0.24.0' })).toEqual({
      name: 'pm',
      dependencies: { cdktf: 'npm:cdktn@0.24.0', zod: '3.25.76' },
      devDependencies: { esbuild: '0.28.2', tsx: '4.23.15' },
    });
  });
});
