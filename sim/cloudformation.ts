/**
 * Simulated AWS CloudFormation, read side only: stacks per region (created through the model,
 * e.g. by sim/original-fixture.ts) and the query protocol's DescribeStacks, ListStacks and
 * ListStackResources (form in, XML out), which is what `migrate --dry-run` reads.
 */
import { SimError } from './errors';
import type { OperationTable } from './operations';
import { deterministicUuid, paginate, partitionOf } from './util';

/** Every stack status CloudFormation reports (ListStacks' StackStatusFilter accepts these). */
export const STACK_STATUSES = [
  'CREATE_IN_PROGRESS',
  'CREATE_FAILED',
  'CREATE_COMPLETE',
  'ROLLBACK_IN_PROGRESS',
  'ROLLBACK_FAILED',
  'ROLLBACK_COMPLETE',
  'DELETE_IN_PROGRESS',
  'DELETE_FAILED',
  'DELETE_COMPLETE',
  'UPDATE_IN_PROGRESS',
  'UPDATE_COMPLETE_CLEANUP_IN_PROGRESS',
  'UPDATE_COMPLETE',
  'UPDATE_FAILED',
  'UPDATE_ROLLBACK_IN_PROGRESS',
  'UPDATE_ROLLBACK_FAILED',
  'UPDATE_ROLLBACK_COMPLETE_CLEANUP_IN_PROGRESS',
  'UPDATE_ROLLBACK_COMPLETE',
  'REVIEW_IN_PROGRESS',
  'IMPORT_IN_PROGRESS',
  'IMPORT_COMPLETE',
  'IMPORT_ROLLBACK_IN_PROGRESS',
  'IMPORT_ROLLBACK_FAILED',
  'IMPORT_ROLLBACK_COMPLETE',
] as const;
export type SimStackStatus = (typeof STACK_STATUSES)[number];

/** Page sizes (CloudFormation pages its listings; DescribeStacks and ListStacks by 100 here). */
export const CLOUDFORMATION_LIMITS = { stacksPerPage: 100, resourcesPerPage: 100 } as const;

/** Stack names: a letter, then letters, digits and hyphens, at most 128 characters. */
const STACK_NAME = /^[A-Za-z][A-Za-z0-9-]{0,127}$/;
const STACK_ID = /^arn:aws[a-z-]*:cloudformation:[a-z0-9-]+:\d{12}:stack\/[A-Za-z][A-Za-z0-9-]{0,127}\/[0-9a-f-]+$/;
/** Namespace of CloudFormation's query-protocol XML. */
export const CLOUDFORMATION_XMLNS = 'http://cloudformation.amazonaws.com/doc/2010-05-15/';

const validation = (m: string) => new SimError('ValidationError', m);

export interface SimStackResource {
  logicalId: string;
  /** Physical id: a function name, a topic ARN, a rule name… (what CloudFormation reports). */
  physicalId: string;
  /** e.g. `AWS::Lambda::Function`. */
  type: string;
  status?: string;
}

export interface StackSpec {
  region: string;
  name: string;
  description?: string;
  status?: SimStackStatus;
  parameters?: Record<string, string>;
  outputs?: { key: string; value: string; description?: string }[];
  tags?: Record<string, string>;
  resources?: SimStackResource[];
  /** Epoch ms (default: the clock). */
  createdAt?: number;
}

export interface SimStack {
  id: string;
  name: string;
  region: string;
  description?: string;
  status: SimStackStatus;
  parameters: Record<string, string>;
  outputs: { key: string; value: string; description?: string }[];
  tags: Record<string, string>;
  resources: SimStackResource[];
  createdAt: number;
  deletedAt?: number;
}

/** CloudFormation of one account: stacks by id, in every region. */
export class CloudFormationModel {
  readonly stacks = new Map<string, SimStack>();
  private counter = 0;

  constructor(
    private readonly accountId: string,
    private readonly seed: number,
    private readonly now: () => number,
  ) {}

  /** Register a stack as CloudFormation would show it once deployed. Names are unique per region among live stacks. */
  createStack(spec: StackSpec): SimStack {
    if (!STACK_NAME.test(spec.name)) throw new RangeError(`stack name ${JSON.stringify(spec.name)}: a letter, then letters, digits or hyphens, at most 128 characters`);
    if (this.live(spec.region, spec.name)) throw new RangeError(`stack ${spec.name} already exists in ${spec.region}`);
    const status = spec.status ?? 'CREATE_COMPLETE';
    if (!(STACK_STATUSES as readonly string[]).includes(status)) throw new RangeError(`unknown stack status ${status}`);
    const logicalIds = new Set<string>();
    for (const r of spec.resources ?? []) {
      if (logicalIds.has(r.logicalId)) throw new RangeError(`stack ${spec.name}: logical id ${r.logicalId} twice`);
      logicalIds.add(r.logicalId);
    }
    const stack: SimStack = {
      id: `arn:${partitionOf(spec.region)}:cloudformation:${spec.region}:${this.accountId}:stack/${spec.name}/${deterministicUuid(this.seed ^ 0xcf, this.counter++)}`,
      name: spec.name,
      region: spec.region,
      description: spec.description,
      status,
      parameters: { ...spec.parameters },
      outputs: [...(spec.outputs ?? [])],
      tags: { ...spec.tags },
      resources: (spec.resources ?? []).map((r) => ({ ...r })),
      createdAt: spec.createdAt ?? this.now(),
    };
    if (status === 'DELETE_COMPLETE') stack.deletedAt = stack.createdAt;
    this.stacks.set(stack.id, stack);
    return stack;
  }

  /** Marks a stack deleted (DescribeStacks by name no longer finds it; ListStacks still lists it). */
  deleteStack(idOrName: string, region: string): void {
    const stack = this.find(region, idOrName);
    if (!stack) throw new RangeError(`no stack ${idOrName} in ${region}`);
    stack.status = 'DELETE_COMPLETE';
    stack.deletedAt = this.now();
  }

  /** Stacks of a region in creation order. */
  inRegion(region: string): SimStack[] {
    return [...this.stacks.values()].filter((s) => s.region === region).sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
  }

  private live(region: string, name: string): SimStack | undefined {
    return this.inRegion(region).find((s) => s.name === name && s.status !== 'DELETE_COMPLETE');
  }

  /** A stack by name (live ones only, as CloudFormation) or by id (deleted ones too). */
  find(region: string, nameOrId: string): SimStack | undefined {
    if (nameOrId.startsWith('arn:')) {
      const s = this.stacks.get(nameOrId);
      return s && s.region === region ? s : undefined;
    }
    return this.live(region, nameOrId);
  }

  /** The stack a request names, or CloudFormation's ValidationError. */
  required(region: string, input: Record<string, unknown>): SimStack {
    const name = input.StackName;
    if (typeof name !== 'string' || name.length === 0) throw validation('1 validation error detected: Value null at \'stackName\' failed to satisfy constraint: Member must not be null');
    if (!STACK_NAME.test(name) && !STACK_ID.test(name)) throw validation(`1 validation error detected: Value '${name}' at 'stackName' failed to satisfy constraint: Member must satisfy regular expression pattern: ([a-zA-Z][-a-zA-Z0-9]*)|(arn:\\b(aws|aws-us-gov|aws-cn)\\b:[-a-zA-Z0-9:/._+]*)`);
    const stack = this.find(region, name);
    if (!stack) throw validation(`Stack with id ${name} does not exist`);
    return stack;
  }
}

const iso = (ms: number) => new Date(ms).toISOString();

function stackShape(s: SimStack): Record<string, unknown> {
  return {
    StackId: s.id,
    StackName: s.name,
    Description: s.description,
    Parameters: Object.entries(s.parameters).map(([ParameterKey, ParameterValue]) => ({ ParameterKey, ParameterValue })),
    CreationTime: iso(s.createdAt),
    DeletionTime: s.deletedAt === undefined ? undefined : iso(s.deletedAt),
    StackStatus: s.status,
    Outputs: s.outputs.map((o) => ({ OutputKey: o.key, OutputValue: o.value, Description: o.description })),
    Tags: Object.entries(s.tags).map(([Key, Value]) => ({ Key, Value })),
  };
}

/** CloudFormation operations (query protocol: flat form input, XML output). */
export function cloudFormationOperations(model: CloudFormationModel): OperationTable {
  return {
    DescribeStacks: ({ region }, input) => {
      if (input.StackName !== undefined) {
        if (input.NextToken !== undefined) throw validation('NextToken is not valid with StackName');
        return { Stacks: [stackShape(model.required(region, input))] };
      }
      const live = model.inRegion(region).filter((s) => s.status !== 'DELETE_COMPLETE');
      const { page, nextToken } = paginate(live, CLOUDFORMATION_LIMITS.stacksPerPage, token(input), `stacks|${region}`, validation);
      return { Stacks: page.map(stackShape), NextToken: nextToken };
    },
    ListStacks: ({ region }, input) => {
      const filter = input.StackStatusFilter as string[] | undefined;
      for (const f of filter ?? []) {
        if (!(STACK_STATUSES as readonly string[]).includes(f)) throw validation(`1 validation error detected: Value '${f}' at 'stackStatusFilter' failed to satisfy constraint: Member must satisfy enum value set: [${STACK_STATUSES.join(', ')}]`);
      }
      const stacks = model.inRegion(region).filter((s) => !filter?.length || filter.includes(s.status));
      const { page, nextToken } = paginate(stacks, CLOUDFORMATION_LIMITS.stacksPerPage, token(input), `list|${region}|${(filter ?? []).join(',')}`, validation);
      return {
        StackSummaries: page.map((s) => ({
          StackId: s.id,
          StackName: s.name,
          TemplateDescription: s.description,
          CreationTime: iso(s.createdAt),
          DeletionTime: s.deletedAt === undefined ? undefined : iso(s.deletedAt),
          StackStatus: s.status,
        })),
        NextToken: nextToken,
      };
    },
    ListStackResources: ({ region }, input) => {
      const stack = model.required(region, input);
      const { page, nextToken } = paginate(stack.resources, CLOUDFORMATION_LIMITS.resourcesPerPage, token(input), `resources|${stack.id}`, validation);
      return {
        StackResourceSummaries: page.map((r) => ({
          LogicalResourceId: r.logicalId,
          PhysicalResourceId: r.physicalId,
          ResourceType: r.type,
          LastUpdatedTimestamp: iso(stack.createdAt),
          ResourceStatus: r.status ?? 'CREATE_COMPLETE',
        })),
        NextToken: nextToken,
      };
    },
  };
}

function token(input: Record<string, unknown>): string | undefined {
  const t = input.NextToken;
  if (t === undefined) return undefined;
  if (typeof t !== 'string') throw validation('NextToken: expected a string');
  return t;
}

/** A query request's form as an operation input: `StackStatusFilter.member.N` become a list, the rest stay strings. */
export function decodeCloudFormationForm(form: URLSearchParams): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  const lists = new Map<string, Map<number, string>>();
  for (const [key, value] of form) {
    if (key === 'Action' || key === 'Version') continue;
    const m = /^([A-Za-z]+)\.member\.(\d+)$/.exec(key);
    if (m) {
      const list = lists.get(m[1]) ?? new Map<number, string>();
      list.set(Number(m[2]), value);
      lists.set(m[1], list);
      continue;
    }
    input[key] = value;
  }
  for (const [key, members] of lists) input[key] = [...members.entries()].sort((a, b) => a[0] - b[0]).map(([, v]) => v);
  return input;
}
