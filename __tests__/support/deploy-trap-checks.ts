/**
 * Checks over cdk.tf.json for first-deploy traps: settings a first `terraform apply` fails on or that only show once deployed (each check names its trap and number).
 * Each returns the problems found (empty = fine) so tests can also prove a check catches a
 * broken artifact.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { addressIn, allows, list, policiesOfRoleUsedBy, resourcePolicies, rolePolicies, statementsOf, trustPolicies, type Statement } from './iam-view';
import { allStates as stateMap } from '../../runner/asl-engine';
import {
  allResources,
  block,
  dependencyGraph,
  expressions,
  findCycle,
  referencedAddresses,
  resolveReferences,
  resourcesOf,
  stringsIn,
  type TfJson,
} from './terraform';

type Check = (tf: TfJson) => string[];

const LOG_DELIVERY = [
  'logs:CreateLogDelivery', 'logs:GetLogDelivery', 'logs:UpdateLogDelivery', 'logs:DeleteLogDelivery',
  'logs:ListLogDeliveries', 'logs:PutResourcePolicy', 'logs:DescribeResourcePolicies', 'logs:DescribeLogGroups',
];
const SFN_XRAY = ['xray:PutTraceSegments', 'xray:PutTelemetryRecords', 'xray:GetSamplingRules', 'xray:GetSamplingTargets'];
const LAMBDA_XRAY = ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'];

/** Actions that have no IAM resource type (or need `*`, documented): the only ones allowed on `*`. */
export const ACTIONS_WITHOUT_RESOURCE_TYPE = new Set([
  ...LOG_DELIVERY,
  ...SFN_XRAY,
  'cloudwatch:PutMetricData',
  'cloudwatch:GetMetricData',
  'cloudwatch:ListMetrics',
  'cloudwatch:DescribeAlarms', // AWS: composite alarms are only returned when scoped to *
  'personalize:ListCampaigns',
  'personalize:ListRecommenders',
  'personalize:ListSolutions',
  'personalize:ListSolutionVersions',
  'personalize:ListDatasetGroups',
  'states:SendTaskSuccess',
  'states:SendTaskFailure',
  'states:SendTaskHeartbeat',
]);

/** Verbs of actions that change something. */
const WRITE_VERB = /^(Put|Delete|Update|Create|Stop|Start|Send|Publish|Tag|Untag|Set|Invoke|Remove|Add|Modify|Attach|Detach|Disable|Enable)/;

const depends = (body: Record<string, unknown>): string[] => (body.depends_on as string[] | undefined) ?? [];

/** Trap 1: log destination `<group arn>:*`, vendedlogs group, level, state machine name. */
export const stepFunctionsLogging: Check = (tf) =>
  resourcesOf(tf, 'aws_sfn_state_machine').flatMap((sm) => {
    const problems: string[] = [];
    const name = String(sm.body.name);
    if (!/^[0-9A-Za-z_-]{1,80}$/.test(name)) problems.push(`${sm.address}: name "${name}" breaks [0-9A-Za-z_-]{1,80}`);
    if (!sm.body.logging_configuration) return [...problems, `${sm.address}: no logging_configuration`];
    const logging = block(sm.body.logging_configuration);
    if (!['ALL', 'ERROR', 'FATAL', 'OFF'].includes(String(logging.level))) problems.push(`${sm.address}: level ${logging.level}`);
    const dest = String(logging.log_destination);
    const m = /^\$\{(aws_cloudwatch_log_group\.[\w-]+)\.arn\}:\*$/.exec(dest);
    if (!m) return [...problems, `${sm.address}: log_destination ${dest} is not "\${aws_cloudwatch_log_group.x.arn}:*"`];
    const group = tf.resource.aws_cloudwatch_log_group?.[m[1].split('.')[1]];
    if (!group) problems.push(`${sm.address}: log group ${m[1]} does not exist`);
    else if (!String(group.name).startsWith('/aws/vendedlogs/states/')) problems.push(`${sm.address}: log group ${group.name} is not under /aws/vendedlogs/states/`);
    return problems;
  });

/** Trap 2: log delivery (+ X-Ray when traced) on the role, and the machine depends on that policy. */
export const stepFunctionsRole: Check = (tf) =>
  resourcesOf(tf, 'aws_sfn_state_machine').flatMap((sm) => {
    const problems: string[] = [];
    const policies = policiesOfRoleUsedBy(tf, sm);
    const statements = statementsOf(policies);
    const needed = [...LOG_DELIVERY, ...(sm.body.tracing_configuration && block(sm.body.tracing_configuration).enabled ? SFN_XRAY : [])];
    for (const action of needed) if (!allows(statements, action, '*')) problems.push(`${sm.address}: role lacks ${action} on *`);
    const granting = policies.filter((p) => LOG_DELIVERY.every((a) => allows(p.document.Statement, a, '*')));
    if (!granting.some((p) => depends(sm.body).includes(p.address))) problems.push(`${sm.address}: no depends_on the policy granting log delivery`);
    return problems;
  });

/** The parsed definition of every state machine, references replaced. */
export function definitions(tf: TfJson): { address: string; type: string; definition: Record<string, unknown> }[] {
  return resourcesOf(tf, 'aws_sfn_state_machine').map((sm) => ({
    address: sm.address,
    type: String(sm.body.type ?? 'STANDARD'),
    definition: JSON.parse(resolveReferences(String(sm.body.definition), tf)),
  }));
}

/** Every state of a definition, nested ones included, as [name, state] (the runner's walker). */
function allStates(definition: Record<string, unknown>): [string, Record<string, unknown>][] {
  return [...stateMap(definition)];
}
export { allStates as statesOfDefinition };

/** Trap 3: EXPRESS: no .sync / .waitForTaskToken; at most 5 minutes. */
export const expressRestrictions: Check = (tf) =>
  definitions(tf)
    .filter((d) => d.type === 'EXPRESS')
    .flatMap((d) => [
      ...allStates(d.definition)
        .filter(([, s]) => typeof s.Resource === 'string' && /\.(sync(:2)?|waitForTaskToken)$/.test(s.Resource as string))
        .map(([name, s]) => `${d.address}: state ${name} uses ${s.Resource} in an EXPRESS machine`),
      ...(Number(d.definition.TimeoutSeconds ?? 0) > 300 ? [`${d.address}: TimeoutSeconds > 300`] : []),
      ...allStates(d.definition)
        .filter(([, s]) => s.Type === 'Wait' && Number(s.Seconds ?? 0) >= 300)
        .map(([name]) => `${d.address}: Wait ${name} alone exceeds 5 minutes`),
    ]);

/** Trap 4: the machine role may do what its Tasks call. */
export const taskPermissions: Check = (tf) =>
  resourcesOf(tf, 'aws_sfn_state_machine').flatMap((sm) => {
    const statements = statementsOf(policiesOfRoleUsedBy(tf, sm));
    const def = JSON.parse(resolveReferences(String(sm.body.definition), tf));
    const problems: string[] = [];
    for (const [name, s] of allStates(def)) {
      if (s.Type !== 'Task') continue;
      const integration = String(s.Resource).split(':::')[1] ?? '';
      const p = (s.Parameters ?? {}) as Record<string, unknown>;
      const need = (action: string, resource: string) => {
        if (!allows(statements, action, resource)) problems.push(`${sm.address}: ${name} needs ${action} on ${resource}`);
      };
      if (integration.startsWith('lambda:invoke')) {
        need('lambda:InvokeFunction', String(p.FunctionName));
        need('lambda:InvokeFunction', `${p.FunctionName}:*`);
      } else if (integration.startsWith('sns:publish')) need('sns:Publish', String(p.TopicArn));
      else if (integration.startsWith('events:putEvents')) for (const e of p.Entries as Record<string, unknown>[]) need('events:PutEvents', String(e.EventBusName));
      else if (integration.startsWith('states:startExecution')) need('states:StartExecution', String(p.StateMachineArn));
      else problems.push(`${sm.address}: ${name}: no permission rule for integration ${integration}`);
    }
    return problems;
  });

/** Traps 6-8: scheduler role, targets, DLQ, windows, retry, input, name, depends_on. */
export const schedules: Check = (tf) =>
  resourcesOf(tf, 'aws_scheduler_schedule').flatMap((s) => {
    const problems: string[] = [];
    const name = String(s.body.name);
    if (name.length > 64) problems.push(`${s.address}: name longer than 64`);
    if (block(s.body.flexible_time_window).mode !== 'OFF') problems.push(`${s.address}: flexible_time_window mode is not OFF`);
    const target = block(s.body.target);
    try {
      JSON.parse(resolveReferences(String(target.input ?? ''), tf));
    } catch {
      problems.push(`${s.address}: target.input is not JSON`);
    }
    const retry = target.retry_policy ? block(target.retry_policy) : undefined;
    if (!retry) problems.push(`${s.address}: no retry_policy`);
    else {
      const age = Number(retry.maximum_event_age_in_seconds);
      const attempts = Number(retry.maximum_retry_attempts);
      if (!(age >= 60 && age <= 86400)) problems.push(`${s.address}: maximum_event_age_in_seconds ${age} outside 60-86400`);
      if (!(attempts >= 0 && attempts <= 185)) problems.push(`${s.address}: maximum_retry_attempts ${attempts} outside 0-185`);
    }
    const roleAddress = addressIn(target.role_arn);
    const trust = trustPolicies(tf).find((t) => t.roleAddress === roleAddress);
    for (const st of trust?.document.Statement ?? []) {
      const principal = (st.Principal as { Service?: string | string[] } | undefined)?.Service;
      if (!list(principal).includes('scheduler.amazonaws.com')) problems.push(`${s.address}: role trusts ${JSON.stringify(principal)}, not scheduler.amazonaws.com`);
      for (const arn of list(st.Condition?.ArnEquals?.['aws:SourceArn'] ?? st.Condition?.ArnLike?.['aws:SourceArn'])) {
        if (!/:schedule-group\//.test(arn)) problems.push(`${s.address}: aws:SourceArn ${arn} is not a schedule group ARN`);
      }
    }
    const policies = policiesOfRoleUsedBy(tf, s);
    const statements = statementsOf(policies);
    const targetArn = resolveReferences(String(target.arn), tf);
    if (/:states:/.test(targetArn) && !allows(statements, 'states:StartExecution', targetArn)) problems.push(`${s.address}: role cannot start ${targetArn}`);
    if (!target.dead_letter_config) problems.push(`${s.address}: no dead-letter queue`);
    else {
      const dlqAddress = addressIn(block(target.dead_letter_config).arn);
      const dlq = tf.resource.aws_sqs_queue?.[dlqAddress.split('.')[1]];
      if (!dlq) problems.push(`${s.address}: DLQ ${dlqAddress} is not an SQS queue`);
      else if (dlq.fifo_queue === true) problems.push(`${s.address}: DLQ must be a Standard queue`);
      const dlqArn = resolveReferences(String(block(target.dead_letter_config).arn), tf);
      if (!allows(statements, 'sqs:SendMessage', dlqArn)) problems.push(`${s.address}: role cannot send to the DLQ`);
    }
    if (!policies.some((p) => depends(s.body).includes(p.address))) problems.push(`${s.address}: no depends_on its role policy`);
    return problems;
  });

/** Traps 9-13: tracing permissions, log group, concurrency, environment, handler at the zip root. */
export function lambdaFunctions(tf: TfJson, stackDir?: string): string[] {
  return resourcesOf(tf, 'aws_lambda_function').flatMap((fn) => {
    const problems: string[] = [];
    const name = String(fn.body.function_name);
    const policies = policiesOfRoleUsedBy(tf, fn);
    const statements = statementsOf(policies);
    if (name.length > 64) problems.push(`${fn.address}: name longer than 64`);
    // 9
    const tracing = fn.body.tracing_config ? block(fn.body.tracing_config).mode : undefined;
    if (tracing === 'Active') {
      for (const a of LAMBDA_XRAY) if (!allows(statements, a, '*')) problems.push(`${fn.address}: traced but role lacks ${a}`);
      if (!policies.some((p) => depends(fn.body).includes(p.address))) problems.push(`${fn.address}: traced but no depends_on its role policy`);
    }
    // 10
    const group = resourcesOf(tf, 'aws_cloudwatch_log_group').find((g) => g.body.name === `/aws/lambda/${name}`);
    if (!group) problems.push(`${fn.address}: no log group /aws/lambda/${name} in Terraform`);
    const logging = fn.body.logging_config ? block(fn.body.logging_config) : undefined;
    if (!logging?.log_format) problems.push(`${fn.address}: logging_config.log_format is required`);
    const tied = (group && logging?.log_group === `\${${group.address}.name}`) || (group && depends(fn.body).includes(group.address));
    if (group && !tied) problems.push(`${fn.address}: not tied to its log group (logging_config.log_group or depends_on)`);
    if (statements.some((s) => list(s.Action).includes('logs:CreateLogGroup'))) problems.push(`${fn.address}: role may create log groups`);
    if (group) {
      const streams = `${resolveReferences(`\${${group.address}.arn}`, tf)}:*`;
      for (const a of ['logs:CreateLogStream', 'logs:PutLogEvents']) if (!allows(statements, a, streams)) problems.push(`${fn.address}: role lacks ${a} on ${streams}`);
    }
    // 11
    if (fn.body.reserved_concurrent_executions !== undefined) problems.push(`${fn.address}: sets reserved_concurrent_executions`);
    // 12
    const env = (fn.body.environment ? (block(fn.body.environment).variables as Record<string, string>) : undefined) ?? {};
    let bytes = 0;
    for (const [k, v] of Object.entries(env)) {
      if (!/^[a-zA-Z][a-zA-Z0-9_]+$/.test(k)) problems.push(`${fn.address}: env key ${k} is invalid`);
      if (/^(AWS_REGION|AWS_DEFAULT_REGION|AWS_LAMBDA_.*|_HANDLER)$/.test(k)) problems.push(`${fn.address}: env key ${k} is reserved`);
      bytes += k.length + resolveReferences(String(v), tf).length;
    }
    if (bytes > 4096) problems.push(`${fn.address}: environment is ${bytes} bytes (> 4 KB)`);
    // 13
    const [file, exported] = String(fn.body.handler).split('.');
    if (stackDir && fn.body.filename) {
      const entries = zipEntries(path.join(stackDir, String(fn.body.filename)));
      if (!entries.includes(`${file}.js`)) problems.push(`${fn.address}: handler file ${file}.js is not at the zip root (has ${entries.join(', ')})`);
      if (entries.some((e) => e.endsWith('.node'))) problems.push(`${fn.address}: zip holds native modules`);
    }
    if (!exported) problems.push(`${fn.address}: handler ${fn.body.handler} names no export`);
    return problems;
  });
}

/** File names in a zip (central directory), without extracting. */
export function zipEntries(file: string): string[] {
  const buf = fs.readFileSync(file);
  const eocd = buf.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0) throw new Error(`${file} is not a zip`);
  const count = buf.readUInt16LE(eocd + 10);
  let at = buf.readUInt32LE(eocd + 16);
  const names: string[] = [];
  for (let i = 0; i < count; i++) {
    if (buf.readUInt32LE(at) !== 0x02014b50) throw new Error(`${file}: bad central directory`);
    const nameLen = buf.readUInt16LE(at + 28);
    const extraLen = buf.readUInt16LE(at + 30);
    const commentLen = buf.readUInt16LE(at + 32);
    names.push(buf.toString('utf8', at + 46, at + 46 + nameLen));
    at += 46 + nameLen + extraLen + commentLen;
  }
  return names;
}

/** Trap 14: no reference cycle. */
export const noCycles: Check = (tf) => {
  const cycle = findCycle(dependencyGraph(tf));
  return cycle ? [`reference cycle: ${cycle.join(' → ')}`] : [];
};

/** Traps 16-17: no AWS-managed SSE key; one policy per topic letting CloudWatch and EventBridge publish from this account. */
export const topics: Check = (tf) =>
  resourcesOf(tf, 'aws_sns_topic').flatMap((t) => {
    const problems: string[] = [];
    if (String(t.body.kms_master_key_id ?? '') === 'alias/aws/sns') problems.push(`${t.address}: encrypted with alias/aws/sns`);
    if (t.body.policy !== undefined) problems.push(`${t.address}: policy set on the topic (set it in aws_sns_topic_policy only)`);
    const policies = resourcePolicies(tf).filter((p) => addressIn(tf.resource.aws_sns_topic_policy[p.address.split('.')[1]].arn) === t.address);
    if (policies.length !== 1) return [...problems, `${t.address}: ${policies.length} topic policies (expected exactly 1)`];
    const topicArn = resolveReferences(`\${${t.address}.arn}`, tf);
    for (const service of ['cloudwatch.amazonaws.com', 'events.amazonaws.com']) {
      const st = policies[0].document.Statement.find((s) => list((s.Principal as { Service?: string })?.Service).includes(service));
      if (!st || !list(st.Action).includes('sns:Publish') || !list(st.Resource).includes(topicArn)) problems.push(`${t.address}: ${service} may not publish`);
      else if (!st.Condition?.StringEquals?.['aws:SourceAccount'] && !st.Condition?.ArnLike?.['aws:SourceArn']) problems.push(`${t.address}: ${service} statement has no source condition`);
    }
    return problems;
  });

/** Repeated nested blocks: absent, one object or an array. */
function blocks(value: unknown): Record<string, unknown>[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]) as Record<string, unknown>[];
}

/** Trap 22: DynamoDB attributes are keys only; on-demand sets no capacity. */
export const dynamoTables: Check = (tf) =>
  resourcesOf(tf, 'aws_dynamodb_table').flatMap((t) => {
    const problems: string[] = [];
    const keys = new Set<string>([t.body.hash_key, t.body.range_key].filter(Boolean).map(String));
    for (const idx of [...blocks(t.body.global_secondary_index), ...blocks(t.body.local_secondary_index)]) {
      for (const k of [idx.hash_key, idx.range_key]) if (k) keys.add(String(k));
    }
    const attributes = blocks(t.body.attribute).map((a) => String(a.name));
    for (const a of attributes) if (!keys.has(a)) problems.push(`${t.address}: attribute ${a} is not a key`);
    if (t.body.ttl && attributes.includes(String(block(t.body.ttl).attribute_name))) problems.push(`${t.address}: TTL attribute listed as attribute`);
    if (t.body.billing_mode === 'PAY_PER_REQUEST' && (t.body.read_capacity !== undefined || t.body.write_capacity !== undefined)) problems.push(`${t.address}: on-demand table sets capacity`);
    return problems;
  });

/** Trap 23: PutMetricAlarm with TagResource; dashboards global. */
export const runtimeIam: Check = (tf) =>
  rolePolicies(tf).flatMap((p) => {
    const problems: string[] = [];
    const st = p.document.Statement;
    if (st.some((s) => list(s.Action).includes('cloudwatch:PutMetricAlarm')) && !st.some((s) => list(s.Action).includes('cloudwatch:TagResource'))) {
      problems.push(`${p.address}: PutMetricAlarm without TagResource`);
    }
    for (const s of st) for (const r of list(s.Resource)) if (/:cloudwatch:[a-z0-9-]+:\d*:dashboard\//.test(r)) problems.push(`${p.address}: dashboard ARN ${r} has a region`);
    return problems;
  });

/** Trap 24: name and size limits. */
export const limits: Check = (tf) => {
  const problems: string[] = [];
  const max = (type: string, attr: string, n: number) => {
    for (const r of resourcesOf(tf, type)) {
      const v = resolveReferences(String(r.body[attr] ?? ''), tf);
      if (v.length > n) problems.push(`${r.address}: ${attr} "${v}" longer than ${n}`);
    }
  };
  max('aws_iam_role', 'name', 64);
  max('aws_iam_role_policy', 'name', 128);
  max('aws_lambda_function', 'function_name', 64);
  max('aws_cloudwatch_event_rule', 'name', 64);
  max('aws_sqs_queue', 'name', 80);
  max('aws_scheduler_schedule', 'name', 64);
  max('aws_sfn_state_machine', 'name', 80);
  const byRole = new Map<string, number>();
  for (const p of rolePolicies(tf)) byRole.set(p.roleAddress!, (byRole.get(p.roleAddress!) ?? 0) + JSON.stringify(p.document).replace(/\s/g, '').length);
  for (const [role, size] of byRole) if (size > 10240) problems.push(`${role}: inline policies ${size} chars (> 10,240)`);
  for (const t of trustPolicies(tf)) if (JSON.stringify(t.document).length > 2048) problems.push(`${t.address}: trust policy > 2,048 chars`);
  for (const p of [...rolePolicies(tf), ...resourcePolicies(tf)]) {
    for (const s of p.document.Statement) if ((s.Sid ?? '').length > 100 || (s.Sid !== undefined && !/^[A-Za-z0-9]*$/.test(s.Sid))) problems.push(`${p.address}: Sid ${s.Sid} invalid`);
    const sids = p.document.Statement.map((s) => s.Sid).filter(Boolean);
    if (new Set(sids).size !== sids.length) problems.push(`${p.address}: duplicate Sid`);
  }
  return problems;
};

/** Trap 25: every `${...}` in the file is a reference to something that exists (or a Terraform function over such). */
export const templateStrings: Check = (tf) => {
  const known = new Set([...allResources(tf).map((r) => r.address), ...Object.entries(tf.data ?? {}).flatMap(([t, v]) => Object.keys(v).map((n) => `data.${t}.${n}`))]);
  const problems: string[] = [];
  const everything = [...allResources(tf).map((r) => r.body), tf.output ?? {}, tf.provider];
  for (const s of stringsIn(everything)) {
    for (const e of expressions(s)) {
      const refs = referencedAddresses(e);
      const isFunction = /^[a-z_]+\(/.test(e.trim());
      if (refs.length === 0 && !isFunction) problems.push(`literal template \${${e}} in "${s.slice(0, 80)}" (escape it as $\${)`);
      for (const r of refs) if (!known.has(r)) problems.push(`\${${e}} refers to ${r}, which does not exist`);
    }
  }
  return problems;
};

/** No `*` / `service:*` action; `*` resources only for actions without a resource type; write actions scoped. */
export const leastPrivilege: Check = (tf) => {
  const problems: string[] = [];
  const check = (where: string, statements: Statement[], identity: boolean) => {
    for (const s of statements) {
      for (const a of list(s.Action)) {
        if (a === '*' || /^[^:]+:\*$/.test(a) || a.includes('*')) problems.push(`${where}: wildcard action ${a}`);
        if (!identity) continue;
        const resources = list(s.Resource);
        if (resources.includes('*') && !ACTIONS_WITHOUT_RESOURCE_TYPE.has(a)) problems.push(`${where}: ${a} on * (it has a resource type)`);
        const verb = a.split(':')[1] ?? '';
        if (WRITE_VERB.test(verb) && !ACTIONS_WITHOUT_RESOURCE_TYPE.has(a)) {
          for (const r of resources) {
            const [, partition, , region, account] = r.split(':');
            if (r === '*' || [partition, region, account].some((f) => f?.includes('*'))) problems.push(`${where}: write action ${a} on unscoped ${r}`);
          }
        }
      }
    }
  };
  for (const p of rolePolicies(tf)) check(p.address, p.document.Statement, true);
  for (const p of [...trustPolicies(tf), ...resourcePolicies(tf)]) check(p.address, p.document.Statement, false);
  return problems;
};

/** An input template filled with sample values for every placeholder, as EventBridge would (trap 21). */
export function fillInputTemplate(template: string): string {
  const sampleEvent = JSON.stringify({ version: '0', id: 'x', 'detail-type': 'd', source: 's', account: '123456789012', time: '2026-01-01T00:00:00Z', region: 'us-east-1', resources: [], detail: {} });
  return template.replace(/<([A-Za-z0-9_.-]+)>/g, (_m, name: string) => (name === 'aws.events.event.json' || name === 'aws.events.event' ? sampleEvent : '"sample"'));
}

/**
 * Event buses, their policies and the rules on them (traps 20, 21 and the custom-bus ones): a bus
 * name of [A-Za-z0-9._-/] up to 256 characters and never `default`; a bus policy that is valid
 * JSON whose statements name the bus's own ARN, with a Principal and Effect each; a rule on a
 * custom bus names it by reference (so Terraform creates the bus first) and its targets name the
 * same bus (else "Rule does not exist on EventBus default"); a Step Functions target has a role,
 * a Lambda target none; input / input_path / input_transformer are exclusive, and a transformer's
 * template is valid JSON once filled.
 */
export const eventBuses: Check = (tf) => {
  const problems: string[] = [];
  for (const bus of resourcesOf(tf, 'aws_cloudwatch_event_bus')) {
    const name = String(bus.body.name);
    if (!/^[A-Za-z0-9._\-/]{1,256}$/.test(name) || name === 'default') problems.push(`${bus.address}: bus name "${name}" invalid`);
  }
  for (const p of resourcesOf(tf, 'aws_cloudwatch_event_bus_policy')) {
    const busRef = String(p.body.event_bus_name ?? '');
    const bus = /^\$\{(aws_cloudwatch_event_bus\.[\w-]+)\.name\}$/.exec(busRef)?.[1];
    if (!bus) problems.push(`${p.address}: event_bus_name ${busRef} is not a reference to a bus of the stack`);
    let doc: { Statement?: Record<string, unknown>[] } = {};
    try {
      doc = JSON.parse(String(p.body.policy));
    } catch {
      problems.push(`${p.address}: policy is not valid JSON`);
      continue;
    }
    for (const s of doc.Statement ?? []) {
      if (s.Effect !== 'Allow' && s.Effect !== 'Deny') problems.push(`${p.address}: statement ${String(s.Sid)} has Effect ${String(s.Effect)}`);
      if (s.Principal === undefined) problems.push(`${p.address}: statement ${String(s.Sid)} has no Principal`);
      if (bus && s.Resource !== `\${${bus}.arn}`) problems.push(`${p.address}: statement ${String(s.Sid)} is not on its bus (${String(s.Resource)})`);
    }
  }
  const rules = new Map(resourcesOf(tf, 'aws_cloudwatch_event_rule').map((r) => [r.address, r]));
  for (const t of resourcesOf(tf, 'aws_cloudwatch_event_target')) {
    const ruleAddress = /^\$\{(aws_cloudwatch_event_rule\.[\w-]+)\.name\}$/.exec(String(t.body.rule))?.[1];
    const rule = ruleAddress ? rules.get(ruleAddress) : undefined;
    if (!rule) {
      problems.push(`${t.address}: rule ${String(t.body.rule)} is not a rule of the stack`);
      continue;
    }
    const ruleBus = rule.body.event_bus_name;
    if (ruleBus !== undefined && !/^\$\{aws_cloudwatch_event_bus\.[\w-]+\.name\}$/.test(String(ruleBus))) problems.push(`${rule.address}: event_bus_name ${String(ruleBus)} is not a reference to a bus`);
    if ((t.body.event_bus_name ?? 'default') !== (ruleBus ?? 'default')) problems.push(`${t.address}: target on bus ${String(t.body.event_bus_name ?? 'default')}, its rule on ${String(ruleBus ?? 'default')}`);
    const arn = String(t.body.arn);
    if (arn.includes('aws_sfn_state_machine') && !t.body.role_arn) problems.push(`${t.address}: a Step Functions target needs role_arn (trap 20)`);
    if (arn.includes('aws_lambda_function') && t.body.role_arn) problems.push(`${t.address}: a Lambda target must not have role_arn (trap 20)`);
    const inputs = ['input', 'input_path', 'input_transformer'].filter((k) => t.body[k] !== undefined);
    if (inputs.length > 1) problems.push(`${t.address}: ${inputs.join(' and ')} are exclusive (trap 21)`);
    if (t.body.input_transformer !== undefined) {
      const transformer = block(t.body.input_transformer);
      try {
        JSON.parse(fillInputTemplate(String(transformer.input_template)));
      } catch {
        problems.push(`${t.address}: input_template is not valid JSON once filled (trap 21)`);
      }
      if (Object.keys((transformer.input_paths as Record<string, string>) ?? {}).length > 100) problems.push(`${t.address}: more than 100 input_paths`);
    }
  }
  return problems;
};

const ALARM_OPERATORS = ['GreaterThanOrEqualToThreshold', 'GreaterThanThreshold', 'LessThanThreshold', 'LessThanOrEqualToThreshold'];
const TREAT_MISSING = ['missing', 'ignore', 'breaching', 'notBreaching'];

/**
 * CloudWatch alarms declared in Terraform (traps 17-18 and PutMetricAlarm's own rules): every
 * action is a topic of the alarm's region whose policy lets THIS alarm publish (its ARN matches
 * the policy's alarm pattern, else SNS drops the notification silently); either one metric or
 * metric_query, never both; a period CloudWatch accepts (10, 20, 30 or a multiple of 60 s);
 * evaluation within 1 day for periods under an hour (7 days otherwise); datapoints_to_alarm ≤
 * evaluation_periods; a valid operator and missing-data treatment; a name within 255 characters.
 */
export const metricAlarms: Check = (tf) =>
  resourcesOf(tf, 'aws_cloudwatch_metric_alarm').flatMap((a) => {
    const problems: string[] = [];
    const b = a.body;
    const name = String(b.alarm_name ?? '');
    if (!name || name.length > 255) problems.push(`${a.address}: alarm_name must be 1-255 characters`);
    const hasMetric = b.metric_name !== undefined || b.namespace !== undefined;
    const hasQuery = blocks(b.metric_query).length > 0;
    if (hasMetric === hasQuery) problems.push(`${a.address}: needs either metric_name/namespace or metric_query, not ${hasMetric ? 'both' : 'neither'}`);
    if (hasMetric && (b.metric_name === undefined || b.namespace === undefined || (b.statistic === undefined && b.extended_statistic === undefined) || b.period === undefined)) {
      problems.push(`${a.address}: a single-metric alarm needs metric_name, namespace, statistic and period`);
    }
    const period = Number(b.period ?? 0);
    if (hasMetric && !([10, 20, 30].includes(period) || (period >= 60 && period % 60 === 0))) problems.push(`${a.address}: period ${period} s is not 10, 20, 30 or a multiple of 60`);
    const evaluations = Number(b.evaluation_periods);
    if (!Number.isInteger(evaluations) || evaluations < 1) problems.push(`${a.address}: evaluation_periods must be a whole number ≥ 1`);
    const maxSeconds = period < 3600 ? 86_400 : 7 * 86_400;
    if (hasMetric && period * evaluations > maxSeconds) problems.push(`${a.address}: ${evaluations} × ${period} s exceeds CloudWatch's ${maxSeconds / 86_400} day(s) of evaluation`);
    if (b.datapoints_to_alarm !== undefined && Number(b.datapoints_to_alarm) > evaluations) problems.push(`${a.address}: datapoints_to_alarm exceeds evaluation_periods`);
    if (!ALARM_OPERATORS.includes(String(b.comparison_operator))) problems.push(`${a.address}: comparison_operator ${String(b.comparison_operator)}`);
    if (b.treat_missing_data !== undefined && !TREAT_MISSING.includes(String(b.treat_missing_data))) problems.push(`${a.address}: treat_missing_data ${String(b.treat_missing_data)}`);

    const alarmProvider = String(b.provider ?? '');
    for (const action of new Set([...list(b.alarm_actions as string[]), ...list(b.ok_actions as string[]), ...list(b.insufficient_data_actions as string[])].map(String))) {
      let topic: string;
      try {
        topic = addressIn(action);
      } catch {
        problems.push(`${a.address}: action ${String(action)} is not a reference to a topic of the stack`);
        continue;
      }
      const topicBody = tf.resource.aws_sns_topic?.[topic.split('.')[1]];
      if (!topic.startsWith('aws_sns_topic.') || !topicBody) {
        problems.push(`${a.address}: action ${topic} is not an SNS topic`);
        continue;
      }
      if (String(topicBody.provider ?? '') !== alarmProvider) problems.push(`${a.address}: notifies ${topic} of another region (trap 18)`);
      // The alarm lives where its topic does (checked above): its ARN from the topic's.
      const [, partition, , region, account] = resolveReferences(`\${${topic}.arn}`, tf).split(':');
      const alarmArn = `arn:${partition}:cloudwatch:${region}:${account}:alarm:${name}`;
      const policy = resourcePolicies(tf).find((p) => addressIn(tf.resource.aws_sns_topic_policy[p.address.split('.')[1]].arn) === topic);
      const st = policy?.document.Statement.find((s) => list((s.Principal as { Service?: string })?.Service).includes('cloudwatch.amazonaws.com'));
      const patterns = list(st?.Condition?.ArnLike?.['aws:SourceArn']).map(String);
      const matches = (p: string) => new RegExp(`^${p.split('*').map((x) => x.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`).test(alarmArn);
      if (!st || (patterns.length > 0 && !patterns.some(matches))) problems.push(`${a.address}: ${topic}'s policy does not let this alarm (${alarmArn}) publish (trap 17)`);
    }
    return problems;
  });

/** Regions whose Chatbot API endpoint exists (AWS Chatbot API Reference, "Welcome"), and GovCloud's. */
const CHATBOT_API_REGIONS = ['us-east-2', 'us-west-2', 'eu-west-1', 'ap-southeast-1', 'us-gov-west-1'];

/**
 * Slack through AWS Chatbot (traps 26-30):
 * 26 the configuration is managed in a region with the Chatbot API (us-east-1 has none: "Could
 *    not connect to the endpoint URL");
 * 27 its name is 1-128 of A-Za-z0-9-_ and unique, and a Slack channel has at most one
 *    configuration per account (a second fails "has already been configured");
 * 28 its role exists in the stack and trusts chatbot.amazonaws.com, and nothing else;
 * 29 it watches every notification topic of the stack, by reference (a topic left out reaches
 *    email only, silently);
 * 30 guardrails are set (without one, channel members get everything the role may do) and the
 *    logging level is one Chatbot accepts (ERROR, INFO, NONE).
 */
export const chatbotSlack: Check = (tf) => {
  const problems: string[] = [];
  const configurations = resourcesOf(tf, 'aws_chatbot_slack_channel_configuration');
  const defaultRegion = (tf.provider as { aws?: Array<{ alias?: string; region?: string }> } | undefined)?.aws?.find((p) => !p.alias)?.region;
  const names = new Map<string, string>();
  const channels = new Map<string, string>();
  // Critical topics are exempt: every critical alarm also notifies its region's notification topic (no duplicate in Slack).
  const topicAddresses = resourcesOf(tf, 'aws_sns_topic')
    .filter((t) => !String(t.body.name ?? '').endsWith('-critical'))
    .map((t) => t.address);
  for (const c of configurations) {
    const b = c.body;
    const region = String(b.region ?? defaultRegion ?? '');
    if (!CHATBOT_API_REGIONS.includes(region)) problems.push(`${c.address}: managed in ${region}, which has no Chatbot API (use one of ${CHATBOT_API_REGIONS.join(', ')}) (trap 26)`);
    const name = String(b.configuration_name ?? '');
    if (!/^[A-Za-z0-9_-]{1,128}$/.test(name)) problems.push(`${c.address}: configuration_name "${name}" is not 1-128 of A-Za-z0-9-_ (trap 27)`);
    if (names.has(name)) problems.push(`${c.address}: configuration_name "${name}" also used by ${names.get(name)} (trap 27)`);
    names.set(name, c.address);
    const channel = `${String(b.slack_team_id)}/${String(b.slack_channel_id)}`;
    if (channels.has(channel)) problems.push(`${c.address}: Slack channel ${channel} already configured by ${channels.get(channel)}; one configuration per channel (trap 27)`);
    channels.set(channel, c.address);

    let roleAddress: string | undefined;
    try {
      roleAddress = addressIn(b.iam_role_arn);
    } catch {
      problems.push(`${c.address}: iam_role_arn ${String(b.iam_role_arn)} is not a reference to a role of the stack (trap 28)`);
    }
    if (roleAddress) {
      const trust = trustPolicies(tf).find((t) => t.roleAddress === roleAddress);
      if (!trust) problems.push(`${c.address}: role ${roleAddress} is not an aws_iam_role of the stack (trap 28)`);
      else {
        const principals = trust.document.Statement.flatMap((s) => {
          const p = s.Principal as { Service?: string | string[] } | string | undefined;
          return typeof p === 'object' && p && Object.keys(p).every((k) => k === 'Service') ? list(p.Service) : [JSON.stringify(p)];
        });
        if (!principals.includes('chatbot.amazonaws.com')) problems.push(`${c.address}: role ${roleAddress} does not trust chatbot.amazonaws.com (trap 28)`);
        for (const p of principals) if (p !== 'chatbot.amazonaws.com') problems.push(`${c.address}: role ${roleAddress} also trusts ${p} (trap 28)`);
      }
    }

    const watched = new Set<string>();
    for (const arn of list(b.sns_topic_arns as string[] | undefined)) {
      try {
        const address = addressIn(arn);
        if (!topicAddresses.includes(address)) problems.push(`${c.address}: sns_topic_arns entry ${arn} is not a topic of the stack (trap 29)`);
        watched.add(address);
      } catch {
        problems.push(`${c.address}: sns_topic_arns entry ${arn} is not a reference to a topic of the stack (trap 29)`);
      }
    }
    for (const t of topicAddresses) if (!watched.has(t)) problems.push(`${c.address}: does not watch ${t} (trap 29)`);

    const guardrails = list(b.guardrail_policy_arns as string[] | undefined);
    if (guardrails.length === 0) problems.push(`${c.address}: no guardrail_policy_arns (trap 30)`);
    for (const g of guardrails) if (!/^arn:[^:]+:iam::(aws|\d{12}):policy\/.+$/.test(resolveReferences(g, tf))) problems.push(`${c.address}: guardrail ${g} is not an IAM policy ARN (trap 30)`);
    if (b.logging_level !== undefined && !['ERROR', 'INFO', 'NONE'].includes(String(b.logging_level))) problems.push(`${c.address}: logging_level ${String(b.logging_level)} (trap 30)`);
  }
  return problems;
};
