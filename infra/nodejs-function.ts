/**
 * A Lambda function built from a task spec: esbuild bundle → TerraformAsset (zip), its own log
 * group, a role with ONE inline policy generated from the task's declared permissions, X-Ray
 * tracing and structured JSON logs. Guards first-deploy traps 9-13 (checked in __tests__/support/deploy-trap-checks.ts).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildSync } from 'esbuild';
import { Construct } from 'constructs';
import { AssetType, TerraformAsset } from 'cdktf';
import { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import type { PermissionContext } from '../core/contracts/iam';
import type { TaskSpec } from '../tasks/shared/task-spec';
import { XRAY_WRITE_ACTIONS, assumeRolePolicy, policyDocument } from './iam';
import { functionName, lambdaLogGroupName, resourceName } from './names';
import { escapeTemplateLiterals } from './terraform-strings';

/** Repository root: task entries are relative to it. */
export const REPO_ROOT = path.resolve(__dirname, '..');
/** Where bundles go unless told otherwise (`dist/<task>/index.js`). */
export const DEFAULT_BUNDLE_DIR = path.join(REPO_ROOT, 'dist');
export const LAMBDA_RUNTIME = 'nodejs22.x';
export const LAMBDA_ARCHITECTURE = 'arm64';
/** Lambda's limit on the environment (all keys and values). */
export const MAX_ENVIRONMENT_BYTES = 4096;
/** Length assumed for a Terraform reference (an ARN) when sizing the environment at synth time. */
const ASSUMED_REFERENCE_LENGTH = 256;
/**
 * The nodejs22.x runtime ships AWS SDK v3: bundling it would put every function over 250 KB
 * (collect: 629 KB vs 99 KB) and slow cold starts. Locally, bundles under the repository resolve
 * the SDK from node_modules.
 */
export const RUNTIME_PROVIDED_MODULES = ['@aws-sdk/*'];
/** Keys Lambda reserves or sets itself (deploy-traps 12). */
const RESERVED_ENV =
  /^(_HANDLER|_X_AMZN_TRACE_ID|AWS_REGION|AWS_DEFAULT_REGION|AWS_EXECUTION_ENV|AWS_LAMBDA_.*|AWS_ACCESS_KEY|AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY|AWS_SESSION_TOKEN|AWS_XRAY_DAEMON_ADDRESS|LAMBDA_TASK_ROOT|LAMBDA_RUNTIME_DIR)$/;
const ENV_KEY = /^[a-zA-Z][a-zA-Z0-9_]+$/;

export interface BundleResult {
  /** Directory holding index.js (+ map): the zip root. */
  dir: string;
  /** Size of the minified index.js in bytes. */
  bytes: number;
}

/** Packages replaced by small shims in every bundle (each shim says what it implements and why). */
export const BUNDLE_ALIASES: Record<string, string> = { semver: path.join(REPO_ROOT, 'infra', 'bundle-shims', 'semver.js') };

/** Bundles a task entry to `<outRoot>/<name>/index.js` (handler `index.handler` at the zip root). */
export function bundleTask(spec: Pick<TaskSpec, 'name' | 'entry'>, outRoot: string = DEFAULT_BUNDLE_DIR): BundleResult {
  const dir = path.join(outRoot, spec.name);
  const outfile = path.join(dir, 'index.js');
  fs.rmSync(dir, { recursive: true, force: true });
  const result = buildSync({
    entryPoints: [path.resolve(REPO_ROOT, spec.entry)],
    outfile,
    bundle: true,
    minify: true,
    sourcemap: true,
    // Stack traces map to file:line without shipping the sources in every zip.
    sourcesContent: false,
    platform: 'node',
    target: 'node22',
    format: 'cjs',
    // ESM builds of dependencies tree-shake better than their CJS builds.
    mainFields: ['module', 'main'],
    external: RUNTIME_PROVIDED_MODULES,
    // Tracer's X-Ray SDK needs only semver.gte: a 1 KB shim instead of 25 KiB (infra/bundle-shims).
    alias: BUNDLE_ALIASES,
    logLevel: 'silent',
    absWorkingDir: REPO_ROOT,
  });
  if (result.errors.length) throw new Error(`bundling ${spec.entry} failed: ${result.errors.map((e) => e.text).join('; ')}`);
  return { dir, bytes: fs.statSync(outfile).size };
}

/** Checks environment keys and size (deploy-traps 12). */
export function checkEnvironment(env: Record<string, string>, where: string): void {
  let bytes = 0;
  for (const [key, value] of Object.entries(env)) {
    if (!ENV_KEY.test(key)) throw new Error(`${where}: environment key "${key}" must match ${ENV_KEY}`);
    if (RESERVED_ENV.test(key)) throw new Error(`${where}: environment key "${key}" is reserved by Lambda`);
    bytes += key.length + value.replace(/\$\{TfToken\[[^\]]*\]\}/g, 'x'.repeat(ASSUMED_REFERENCE_LENGTH)).length;
  }
  if (bytes > MAX_ENVIRONMENT_BYTES) throw new Error(`${where}: environment is about ${bytes} bytes; Lambda allows ${MAX_ENVIRONMENT_BYTES}`);
}

export interface NodejsFunctionProps {
  spec: TaskSpec;
  stackName: string;
  permissionContext: PermissionContext;
  memoryMb: number;
  logRetentionDays: number;
  environment: Record<string, string>;
  /** Root of the bundles; default `dist/`. */
  bundleDir?: string;
  /** Opt-in only: new accounts have a concurrency quota of 10 (deploy-traps 11). */
  reservedConcurrency?: number;
}

/** One Lambda task, deployed. */
export class NodejsFunction extends Construct {
  readonly spec: TaskSpec;
  readonly functionName: string;
  readonly function: LambdaFunction;
  readonly role: IamRole;
  readonly policy: IamRolePolicy;
  readonly logGroup: CloudwatchLogGroup;
  readonly bundle: BundleResult;

  constructor(scope: Construct, id: string, props: NodejsFunctionProps) {
    super(scope, id);
    const { spec } = props;
    this.spec = spec;
    this.functionName = functionName(props.stackName, spec.name);
    const environment = { NODE_OPTIONS: '--enable-source-maps', ...props.environment };
    checkEnvironment(environment, `function ${this.functionName}`);

    this.bundle = bundleTask(spec, props.bundleDir);
    const asset = new TerraformAsset(this, 'bundle', { path: this.bundle.dir, type: AssetType.ARCHIVE });

    this.logGroup = new CloudwatchLogGroup(this, 'logs', {
      name: lambdaLogGroupName(this.functionName),
      retentionInDays: props.logRetentionDays,
    });

    this.role = new IamRole(this, 'role', {
      name: this.functionName,
      description: `Runs task ${spec.name}: ${spec.description}`.slice(0, 1000),
      assumeRolePolicy: assumeRolePolicy('lambda.amazonaws.com'),
    });
    this.policy = new IamRolePolicy(this, 'policy', {
      name: resourceName('iamPolicy', this.functionName, 'policy'),
      role: this.role.name,
      policy: policyDocument(
        [
          ...spec.permissions(props.permissionContext),
          // No logs:CreateLogGroup: Terraform owns the group (deploy-traps 10).
          { sid: 'WriteOwnLogs', actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [`${this.logGroup.arn}:*`] },
          { sid: 'WriteTraces', actions: XRAY_WRITE_ACTIONS, resources: ['*'], why: 'X-Ray trace APIs have no resource type' },
        ],
        `role of ${this.functionName}`,
      ),
    });

    this.function = new LambdaFunction(this, 'function', {
      functionName: this.functionName,
      description: spec.description.slice(0, 256),
      role: this.role.arn,
      runtime: LAMBDA_RUNTIME,
      architectures: [LAMBDA_ARCHITECTURE],
      handler: 'index.handler',
      filename: asset.path,
      sourceCodeHash: asset.assetHash,
      memorySize: spec.memoryMb ?? props.memoryMb,
      timeout: spec.timeoutSeconds,
      tracingConfig: { mode: 'Active' },
      loggingConfig: { logFormat: 'JSON', logGroup: this.logGroup.name, applicationLogLevel: 'INFO', systemLogLevel: 'WARN' },
      environment: {
        variables: Object.fromEntries(Object.entries(environment).map(([k, v]) => [k, escapeTemplateLiterals(v)])),
      },
      ...(props.reservedConcurrency !== undefined ? { reservedConcurrentExecutions: props.reservedConcurrency } : {}),
      // Tracing and logging need the policy at create time (deploy-traps 9).
      dependsOn: [this.policy],
    });
  }
}
