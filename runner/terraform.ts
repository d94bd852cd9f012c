/**
 * Reads a synthesized `cdk.tf.json` and resolves its Terraform references (`${aws_x.y.attr}`)
 * to the values a real apply would produce in a fake account, consistently: the same reference
 * always yields the same ARN, so what one resource points at is what the other one is called.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Account every local ARN carries. */
export const LOCAL_ACCOUNT_ID = '123456789012';
/** Partition of every local ARN. */
export const LOCAL_PARTITION = 'aws';

/** A resource or data block of the stack: `type.name` plus its (unresolved) arguments. */
export interface TfBlock {
  kind: 'resource' | 'data';
  type: string;
  name: string;
  config: Record<string, unknown>;
}

/** Values only a deployment knows, supplied by whoever runs the stack locally. */
export interface ResolveContext {
  /** Base URL served for each `aws_lambda_function_url` (keyed by Terraform resource name). */
  functionUrls?: Record<string, string>;
}

/** A `${...}` the runner cannot resolve: names the expression and where it was met. */
export class UnresolvableReferenceError extends Error {
  constructor(expression: string, where: string, why: string) {
    super(`cannot resolve Terraform expression \${${expression}} in ${where}: ${why}`);
    this.name = 'UnresolvableReferenceError';
  }
}

/** The parsed stack: its blocks and the provider's default region. */
export class TfStack {
  private readonly blocks = new Map<string, TfBlock>();
  private readonly resolving = new Set<string>();

  constructor(
    readonly file: string,
    readonly json: Record<string, unknown>,
    readonly context: ResolveContext = {},
  ) {
    for (const kind of ['resource', 'data'] as const) {
      const byType = (json[kind] ?? {}) as Record<string, Record<string, Record<string, unknown>>>;
      for (const [type, byName] of Object.entries(byType)) {
        for (const [name, config] of Object.entries(byName)) {
          this.blocks.set(blockKey(kind, type, name), { kind, type, name, config });
        }
      }
    }
  }

  /** Loads `cdk.tf.json` from a file path. */
  static load(file: string, context: ResolveContext = {}): TfStack {
    const text = fs.readFileSync(file, 'utf8');
    return new TfStack(path.resolve(file), JSON.parse(text) as Record<string, unknown>, context);
  }

  /** Region of the (first) AWS provider block: the region resources default to. */
  get defaultRegion(): string {
    const aws = (this.json.provider as Record<string, unknown> | undefined)?.aws;
    const first = (Array.isArray(aws) ? aws[0] : aws) as Record<string, unknown> | undefined;
    const region = first?.region;
    if (typeof region !== 'string' || region.includes('${')) {
      throw new Error(`${this.file}: provider.aws has no literal region; the runner needs the home region`);
    }
    return region;
  }

  /** Every resource of one Terraform type. */
  resources(type: string): TfBlock[] {
    return [...this.blocks.values()].filter((b) => b.kind === 'resource' && b.type === type);
  }

  /** One block by address (`aws_sns_topic.alerts` or `data.aws_region.current`). */
  block(address: string): TfBlock | undefined {
    const parts = address.split('.');
    if (parts[0] === 'data') return this.blocks.get(blockKey('data', parts[1], parts[2]));
    return this.blocks.get(blockKey('resource', parts[0], parts[1]));
  }

  /** Region a resource lives in (provider 6: per-resource `region` argument, else the default). */
  regionOf(block: TfBlock): string {
    const r = block.config.region;
    if (typeof r === 'string') return this.resolveString(r, `${block.type}.${block.name}.region`);
    return this.defaultRegion;
  }

  /** Resolves every `${...}` in a value (deeply), unescaping `$${` and `%%{`. */
  resolve(value: unknown, where: string): unknown {
    if (typeof value === 'string') return this.resolveString(value, where);
    if (Array.isArray(value)) return value.map((v, i) => this.resolve(v, `${where}[${i}]`));
    if (value && typeof value === 'object') {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.resolve(v, `${where}.${k}`)]));
    }
    return value;
  }

  /** Resolves one template string. */
  resolveString(text: string, where: string): string {
    let out = '';
    let i = 0;
    while (i < text.length) {
      if (text.startsWith('$${', i)) {
        out += '${';
        i += 3;
        continue;
      }
      if (text.startsWith('%%{', i)) {
        out += '%{';
        i += 3;
        continue;
      }
      if (text.startsWith('%{', i)) throw new UnresolvableReferenceError(text.slice(i + 2, text.indexOf('}', i)), where, 'template directives are not supported');
      if (text.startsWith('${', i)) {
        const end = matchingBrace(text, i + 1);
        if (end < 0) throw new UnresolvableReferenceError(text.slice(i + 2), where, 'unterminated ${');
        out += this.evaluate(text.slice(i + 2, end).trim(), where);
        i = end + 1;
        continue;
      }
      out += text[i];
      i += 1;
    }
    return out;
  }

  /** Value of one attribute of one block, as a real apply would report it. */
  attribute(address: string, attr: string, where: string): string {
    const block = this.block(address);
    if (!block) throw new UnresolvableReferenceError(`${address}.${attr}`, where, `no block ${address} in the stack`);
    const key = `${address}.${attr}`;
    if (this.resolving.has(key)) throw new UnresolvableReferenceError(key, where, 'reference cycle');
    this.resolving.add(key);
    try {
      return computeAttribute(this, block, attr, where);
    } finally {
      this.resolving.delete(key);
    }
  }

  /** A resolved top-level string argument of a block, or undefined. */
  arg(block: TfBlock, name: string): string | undefined {
    const v = block.config[name];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') {
      throw new Error(`${block.type}.${block.name}.${name} is not a scalar`);
    }
    return this.resolveString(String(v), `${block.type}.${block.name}.${name}`);
  }

  private evaluate(expression: string, where: string): string {
    const m = /^((?:data\.)?[a-zA-Z][\w-]*\.[\w-]+)(?:\[(\d+)\])?\.([\w]+)$/.exec(expression);
    if (!m) throw new UnresolvableReferenceError(expression, where, 'only plain attribute references are supported (no functions, variables or locals)');
    const [, address, , attr] = m;
    return this.attribute(address, attr, where);
  }
}

function blockKey(kind: string, type: string, name: string): string {
  return `${kind}:${type}.${name}`;
}

/** Index of the `}` closing the `{` at `open`, honouring nested braces and quoted strings. */
function matchingBrace(text: string, open: number): number {
  let depth = 0;
  let inString = false;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i += 1;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === '{') depth += 1;
    else if (c === '}') {
      depth -= 1;
      if (depth === 0) return i;
    }
  }
  return -1;
}

/** The resource's name: `name`, `function_name`, or one derived from `name_prefix` / the block name. */
function nameOf(stack: TfStack, block: TfBlock): string {
  for (const key of ['function_name', 'name']) {
    const v = stack.arg(block, key);
    if (v) return v;
  }
  const prefix = stack.arg(block, 'name_prefix');
  return prefix ? `${prefix}local` : block.name;
}

function computeAttribute(stack: TfStack, block: TfBlock, attr: string, where: string): string {
  const p = LOCAL_PARTITION;
  const acct = LOCAL_ACCOUNT_ID;
  if (block.kind === 'data') {
    switch (`${block.type}.${attr}`) {
      case 'aws_partition.partition':
        return p;
      case 'aws_partition.dns_suffix':
        return 'amazonaws.com';
      case 'aws_caller_identity.account_id':
        return acct;
      case 'aws_caller_identity.arn':
        return `arn:${p}:iam::${acct}:user/local`;
      case 'aws_region.name':
      case 'aws_region.region':
      case 'aws_region.id':
        return stack.regionOf(block);
      default:
        throw new UnresolvableReferenceError(`data.${block.type}.${block.name}.${attr}`, where, 'unknown data source attribute');
    }
  }
  const region = (): string => stack.regionOf(block);
  const name = (): string => (block.type === 'aws_cloudwatch_metric_alarm' ? (stack.arg(block, 'alarm_name') ?? block.name) : nameOf(stack, block));
  const arn = (): string => {
    switch (block.type) {
      case 'aws_lambda_function':
        return `arn:${p}:lambda:${region()}:${acct}:function:${name()}`;
      case 'aws_sfn_state_machine':
        return `arn:${p}:states:${region()}:${acct}:stateMachine:${name()}`;
      case 'aws_sns_topic':
        return `arn:${p}:sns:${region()}:${acct}:${name()}`;
      case 'aws_cloudwatch_event_bus':
        return `arn:${p}:events:${region()}:${acct}:event-bus/${name()}`;
      case 'aws_cloudwatch_event_rule': {
        const bus = stack.arg(block, 'event_bus_name');
        return `arn:${p}:events:${region()}:${acct}:rule/${bus && bus !== 'default' ? `${bus}/` : ''}${name()}`;
      }
      case 'aws_dynamodb_table':
        return `arn:${p}:dynamodb:${region()}:${acct}:table/${name()}`;
      case 'aws_iam_role':
        return `arn:${p}:iam::${acct}:role/${name()}`;
      case 'aws_iam_policy':
        return `arn:${p}:iam::${acct}:policy/${name()}`;
      case 'aws_cloudwatch_metric_alarm':
        return `arn:${p}:cloudwatch:${region()}:${acct}:alarm:${name()}`;
      case 'aws_cloudwatch_log_group':
        return `arn:${p}:logs:${region()}:${acct}:log-group:${name()}`;
      case 'aws_sqs_queue':
        return `arn:${p}:sqs:${region()}:${acct}:${name()}`;
      case 'aws_scheduler_schedule_group':
        return `arn:${p}:scheduler:${region()}:${acct}:schedule-group/${name()}`;
      case 'aws_scheduler_schedule':
        return `arn:${p}:scheduler:${region()}:${acct}:schedule/${stack.arg(block, 'group_name') ?? 'default'}/${name()}`;
      case 'aws_kms_key':
        return `arn:${p}:kms:${region()}:${acct}:key/00000000-0000-0000-0000-${block.name.padEnd(12, '0').slice(0, 12)}`;
      default:
        throw new UnresolvableReferenceError(`${block.type}.${block.name}.arn`, where, `no ARN format known for ${block.type}`);
    }
  };
  switch (attr) {
    case 'arn':
      return arn();
    case 'qualified_arn':
      return `${arn()}:$LATEST`;
    case 'invoke_arn':
      return `arn:${p}:apigateway:${region()}:lambda:path/2015-03-31/functions/${arn()}/invocations`;
    case 'name':
    case 'function_name':
    case 'alarm_name':
      return name();
    case 'id':
      // Terraform ids: the ARN for topics, machines and log groups' names, the name elsewhere.
      return ['aws_sns_topic', 'aws_sfn_state_machine'].includes(block.type) ? arn() : name();
    case 'url':
      if (block.type === 'aws_sqs_queue') return `https://sqs.${region()}.amazonaws.com/${acct}/${name()}`;
      break;
    case 'function_url': {
      const url = stack.context.functionUrls?.[block.name];
      if (block.type === 'aws_lambda_function_url' && url) return url;
      throw new UnresolvableReferenceError(`${block.type}.${block.name}.function_url`, where, 'no local URL is served for this function URL');
    }
    case 'url_id':
      return block.name.toLowerCase().replace(/[^a-z0-9]/g, '').slice(0, 32);
    case 'version':
      return '$LATEST';
    default:
      break;
  }
  // Any other attribute that is also an argument resolves to the argument's value.
  const v = stack.arg(block, attr);
  if (v !== undefined) return v;
  throw new UnresolvableReferenceError(`${block.type}.${block.name}.${attr}`, where, 'unknown attribute');
}

/** Finds the synthesized stack file: `cdktf.out/stacks/<stack>/cdk.tf.json` (the only one, or the named one). */
export function findStackFile(root: string, stackName?: string): string | undefined {
  const stacksDir = path.join(root, 'cdktf.out', 'stacks');
  if (!fs.existsSync(stacksDir)) return undefined;
  const names = fs.readdirSync(stacksDir).filter((n) => fs.existsSync(path.join(stacksDir, n, 'cdk.tf.json')));
  const chosen = stackName ? names.find((n) => n === stackName) : names[0];
  if (stackName === undefined && names.length > 1) {
    throw new Error(`${stacksDir} holds several stacks (${names.join(', ')}); name the one to run`);
  }
  return chosen ? path.join(stacksDir, chosen, 'cdk.tf.json') : undefined;
}
