/**
 * What the runner executes, read from the synthesized stack: state machines (definition with
 * references resolved), Lambda functions (bundle, handler, environment, timeout), EventBridge
 * rules and their targets, schedules and function URLs. Nothing here is written by hand.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TfStack, type TfBlock } from './terraform';

export interface LocalFunction {
  /** Terraform resource name (`aws_lambda_function.<tfName>`). */
  tfName: string;
  functionName: string;
  arn: string;
  region: string;
  /** `index.handler`: module file (without `.js`) and export. */
  handler: string;
  /** Directory holding the bundle (`dist/<task>/`). */
  codeDir: string;
  environment: Record<string, string>;
  timeoutSeconds: number;
  memoryMb: number;
}

export interface LocalStateMachine {
  tfName: string;
  name: string;
  arn: string;
  region: string;
  type: 'STANDARD' | 'EXPRESS';
  /** Definition with every Terraform reference resolved. */
  definition: Record<string, unknown>;
}

export interface LocalRuleTarget {
  arn: string;
  input?: string;
  inputPath?: string;
  inputTransformer?: { inputPaths: Record<string, string>; inputTemplate: string };
}

export interface LocalRule {
  tfName: string;
  name: string;
  region: string;
  eventBusName: string;
  /** Event pattern; empty for a scheduled rule. */
  pattern: Record<string, unknown>;
  /** `rate(...)` / `cron(...)` of a scheduled rule (it matches no events). */
  scheduleExpression?: string;
  enabled: boolean;
  targets: LocalRuleTarget[];
}

export interface LocalSchedule {
  name: string;
  /** The schedule's ARN (`arn:aws:scheduler:<region>:<account>:schedule/<group>/<name>`). */
  arn: string;
  region: string;
  expression: string;
  enabled: boolean;
  targetArn: string;
  input?: string;
}

export interface LocalFunctionUrl {
  tfName: string;
  functionName: string;
}

export interface StackModel {
  stack: TfStack;
  homeRegion: string;
  functions: LocalFunction[];
  stateMachines: LocalStateMachine[];
  rules: LocalRule[];
  schedules: LocalSchedule[];
  functionUrls: LocalFunctionUrl[];
}

/** Lambda's default timeout when the resource does not set one. */
const LAMBDA_DEFAULT_TIMEOUT_S = 3;
/** Lambda's default memory. */
const LAMBDA_DEFAULT_MEMORY_MB = 128;

/** One nested block, written by cdktf as an object or a one-element array. */
function single(v: unknown): Record<string, unknown> | undefined {
  if (Array.isArray(v)) return v[0] as Record<string, unknown> | undefined;
  return (v ?? undefined) as Record<string, unknown> | undefined;
}

/**
 * Builds the model of a stack. `distDir` holds one bundle folder per task (`<distDir>/<task>/index.js`);
 * a function `<stack>-<task>` maps to the longest task folder name its function name ends with.
 */
export function readStackModel(stack: TfStack, distDir: string): StackModel {
  const tasks = fs.existsSync(distDir) ? fs.readdirSync(distDir).filter((d) => fs.statSync(path.join(distDir, d)).isDirectory()) : [];
  const functions = stack.resources('aws_lambda_function').map((b) => readFunction(stack, b, distDir, tasks));
  const stateMachines = stack.resources('aws_sfn_state_machine').map((b) => readMachine(stack, b));
  const targets = stack.resources('aws_cloudwatch_event_target');
  const rules = stack.resources('aws_cloudwatch_event_rule').map((b) => readRule(stack, b, targets));
  const schedules = stack.resources('aws_scheduler_schedule').map((b) => {
    const where = `aws_scheduler_schedule.${b.name}`;
    const target = single(b.config.target) ?? {};
    return {
      name: stack.arg(b, 'name') ?? b.name,
      arn: stack.attribute(`${b.type}.${b.name}`, 'arn', where),
      region: stack.regionOf(b),
      expression: stack.arg(b, 'schedule_expression') ?? '',
      enabled: (stack.arg(b, 'state') ?? 'ENABLED') === 'ENABLED',
      targetArn: stack.resolveString(String(target.arn ?? ''), `${where}.target.arn`),
      input: typeof target.input === 'string' ? stack.resolveString(target.input, `${where}.target.input`) : undefined,
    };
  });
  const functionUrls = stack.resources('aws_lambda_function_url').map((b) => ({
    tfName: b.name,
    functionName: stack.arg(b, 'function_name') ?? '',
  }));
  return { stack, homeRegion: stack.defaultRegion, functions, stateMachines, rules, schedules, functionUrls };
}

function readFunction(stack: TfStack, b: TfBlock, distDir: string, tasks: string[]): LocalFunction {
  const where = `aws_lambda_function.${b.name}`;
  const functionName = stack.attribute(`${b.type}.${b.name}`, 'function_name', where);
  const task = tasks
    .filter((t) => functionName === t || functionName.endsWith(`-${t}`))
    .sort((a, b2) => b2.length - a.length)[0];
  if (!task) {
    throw new Error(`${where}: no bundle for function ${functionName} in ${distDir} (expected a folder named after its task; run the build)`);
  }
  const envBlock = single(b.config.environment);
  const variables = (envBlock?.variables ?? {}) as Record<string, unknown>;
  const environment = Object.fromEntries(
    Object.entries(variables).map(([k, v]) => [k, stack.resolveString(String(v), `${where}.environment.variables.${k}`)]),
  );
  return {
    tfName: b.name,
    functionName,
    arn: stack.attribute(`${b.type}.${b.name}`, 'arn', where),
    region: stack.regionOf(b),
    handler: stack.arg(b, 'handler') ?? 'index.handler',
    codeDir: path.join(distDir, task),
    environment,
    timeoutSeconds: Number(stack.arg(b, 'timeout') ?? LAMBDA_DEFAULT_TIMEOUT_S),
    memoryMb: Number(stack.arg(b, 'memory_size') ?? LAMBDA_DEFAULT_MEMORY_MB),
  };
}

function readMachine(stack: TfStack, b: TfBlock): LocalStateMachine {
  const where = `aws_sfn_state_machine.${b.name}`;
  const text = stack.resolveString(String(b.config.definition ?? ''), `${where}.definition`);
  let definition: Record<string, unknown>;
  try {
    definition = JSON.parse(text) as Record<string, unknown>;
  } catch (err) {
    throw new Error(`${where}.definition is not JSON after resolving references: ${(err as Error).message}`);
  }
  const type = (stack.arg(b, 'type') ?? 'STANDARD').toUpperCase();
  if (type !== 'STANDARD' && type !== 'EXPRESS') throw new Error(`${where}.type: unknown type ${type}`);
  return {
    tfName: b.name,
    name: stack.attribute(`${b.type}.${b.name}`, 'name', where),
    arn: stack.attribute(`${b.type}.${b.name}`, 'arn', where),
    region: stack.regionOf(b),
    type,
    definition,
  };
}

function readRule(stack: TfStack, b: TfBlock, targets: TfBlock[]): LocalRule {
  const where = `aws_cloudwatch_event_rule.${b.name}`;
  const name = stack.attribute(`${b.type}.${b.name}`, 'name', where);
  const patternText = stack.arg(b, 'event_pattern');
  const pattern = patternText ? (JSON.parse(patternText) as Record<string, unknown>) : {};
  const busName = stack.arg(b, 'event_bus_name') ?? 'default';
  const state = stack.arg(b, 'state');
  const enabled = state ? state === 'ENABLED' : (stack.arg(b, 'is_enabled') ?? 'true') !== 'false';
  const mine = targets.filter((t) => stack.arg(t, 'rule') === name);
  return {
    tfName: b.name,
    name,
    region: stack.regionOf(b),
    eventBusName: busName.includes(':') ? busName.split('/').pop() ?? busName : busName,
    pattern,
    scheduleExpression: stack.arg(b, 'schedule_expression'),
    enabled,
    targets: mine.map((t) => {
      const tw = `aws_cloudwatch_event_target.${t.name}`;
      const transformer = single(t.config.input_transformer);
      return {
        arn: stack.arg(t, 'arn') ?? '',
        input: stack.arg(t, 'input'),
        inputPath: stack.arg(t, 'input_path'),
        inputTransformer: transformer
          ? {
              inputPaths: stack.resolve(transformer.input_paths ?? {}, `${tw}.input_transformer.input_paths`) as Record<string, string>,
              inputTemplate: stack.resolveString(String(transformer.input_template ?? ''), `${tw}.input_transformer.input_template`),
            }
          : undefined,
      };
    }),
  };
}
