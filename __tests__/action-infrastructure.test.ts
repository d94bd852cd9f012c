/**
 * The ACTION side of the synthesized stack: the STANDARD machine, the approval table and public
 * URL, the request-event rule, and who may do what (deploy-traps 5, 15, 20, 22; issue 3 IAM).
 */
import { list, policiesOfRoleUsedBy, statementsOf, trustPolicies } from './support/iam-view';
import { synth } from './support/synth';
import { block, resourceWhere, resourcesOf } from './support/terraform';
import { definitions, statesOfDefinition } from './support/deploy-trap-checks';

const { tf, config } = synth();
const stack = config.stackName;
const machine = resourceWhere(tf, 'aws_sfn_state_machine', 'name', `${stack}-action`);
const fn = (task: string) => resourceWhere(tf, 'aws_lambda_function', 'function_name', `${stack}-${task}`);
const actionsOf = (r: Parameters<typeof policiesOfRoleUsedBy>[1]) => statementsOf(policiesOfRoleUsedBy(tf, r)).flatMap((s) => list(s.Action));

describe('ACTION state machine', () => {
  const def = definitions(tf).find((d) => d.address === machine.address)!;
  const states = statesOfDefinition(def.definition as never) as unknown as Record<string, Record<string, unknown>>[];
  const byName = Object.fromEntries((states as unknown as [string, Record<string, unknown>][]).map(([n, s]) => [n, s]));

  it('is STANDARD (it waits for people and for Personalize) and keeps execution data out of its logs', () => {
    expect(machine.body.type).toBe('STANDARD');
    expect(block(machine.body.logging_configuration)).toMatchObject({ include_execution_data: false, log_destination: expect.stringMatching(/:\*$/) });
    expect(block(machine.body.tracing_configuration).enabled).toBe(true);
  });

  it('waits for approval with the task token and a timeout of the approval lifetime (trap 5)', () => {
    const waiting = Object.entries(byName).filter(([, s]) => String(s.Resource ?? '').endsWith('.waitForTaskToken'));
    expect(waiting.length).toBeGreaterThan(0);
    for (const [, s] of waiting) {
      expect(JSON.stringify(s.Parameters)).toContain('$$.Task.Token');
      expect(s.TimeoutSeconds).toBe(config.approvalLifetimeHours * 3600);
    }
  });

  it('may invoke its own tasks and nothing else: no StartExecution, no Personalize, no SendTask*', () => {
    const granted = actionsOf(machine);
    expect(granted).toContain('lambda:InvokeFunction');
    for (const forbidden of ['states:StartExecution', 'states:SendTaskSuccess', 'personalize:DeleteCampaign', 'personalize:StopRecommender']) {
      expect(granted).not.toContain(forbidden);
    }
  });
});

describe('approval store and endpoint', () => {
  it('keeps pending approvals in an on-demand, encrypted table with TTL and key-only attributes (trap 22)', () => {
    const table = resourceWhere(tf, 'aws_dynamodb_table', 'name', `${stack}-approvals`);
    expect(table.body).toMatchObject({ billing_mode: 'PAY_PER_REQUEST', hash_key: 'id' });
    expect(table.body.read_capacity).toBeUndefined();
    expect(list(table.body.attribute as never)).toEqual([{ name: 'id', type: 'S' }]);
    expect(block(table.body.ttl)).toEqual({ enabled: true, attribute_name: 'ttl' });
    expect(block(table.body.point_in_time_recovery).enabled).toBe(true);
    expect(block(table.body.server_side_encryption).enabled).toBe(true);
  });

  it('serves the approval pages from a public function URL with BOTH invoke permissions (trap 15)', () => {
    const approval = fn('approval');
    const [url] = resourcesOf(tf, 'aws_lambda_function_url');
    expect(url.body).toMatchObject({ authorization_type: 'NONE', function_name: `\${${approval.address}.function_name}` });
    const permissions = resourcesOf(tf, 'aws_lambda_permission').filter((p) => p.body.function_name === `\${${approval.address}.function_name}`);
    expect(permissions).toHaveLength(1);
    expect(permissions[0].body).toMatchObject({ action: 'lambda:InvokeFunction', principal: '*' });
    expect(permissions[0].body.function_url_auth_type).toBeUndefined();
    expect(permissions[0].body.statement_id).not.toBe('FunctionURLAllowPublicAccess');
  });

  it('gives the link sender the URL and the approval function never its own URL (no cycle, trap 14)', () => {
    const env = (task: string) => block(fn(task).body.environment).variables as Record<string, string>;
    const [url] = resourcesOf(tf, 'aws_lambda_function_url');
    expect(env('action-request-approval').PM_APPROVAL_BASE_URL).toBe(`\${${url.address}.function_url}`);
    expect(env('approval').PM_APPROVAL_BASE_URL).toBeUndefined();
    expect(env('approval').PM_APPROVALS_TABLE).toBe(`\${aws_dynamodb_table.${resourceWhere(tf, 'aws_dynamodb_table', 'name', `${stack}-approvals`).name}.name}`);
  });

  it('only the approval function can send task results', () => {
    for (const f of resourcesOf(tf, 'aws_lambda_function')) {
      const granted = actionsOf(f);
      const isApproval = f.body.function_name === `${stack}-approval`;
      expect(granted.includes('states:SendTaskSuccess')).toBe(isApproval);
      expect(granted.includes('states:SendTaskFailure')).toBe(isApproval);
    }
    for (const sm of resourcesOf(tf, 'aws_sfn_state_machine')) expect(actionsOf(sm)).not.toContain('states:SendTaskSuccess');
  });

  it('scopes destructive Personalize actions to campaign / recommender ARNs of the account', () => {
    for (const f of resourcesOf(tf, 'aws_lambda_function')) {
      for (const s of statementsOf(policiesOfRoleUsedBy(tf, f))) {
        const destructive = list(s.Action).filter((a) => /^personalize:(Delete|Stop|Update|Create|Start)/.test(a));
        if (destructive.length === 0) continue;
        expect(f.body.function_name).toBe(`${stack}-action-act`);
        for (const r of list(s.Resource)) expect(r).toMatch(/^arn:aws:personalize:[a-z0-9-]+:123456789012:(campaign|recommender)\/\*$/);
      }
    }
  });
});

describe('request events → ACTION', () => {
  const rule = resourceWhere(tf, 'aws_cloudwatch_event_rule', 'name', `${stack}-action-requests`);
  const [target] = resourcesOf(tf, 'aws_cloudwatch_event_target').filter((t) => t.body.rule === `\${${rule.address}.name}`);

  it("routes the original's four request detail-types on the stack's requests bus to the ACTION machine, wrapped by the rule", () => {
    expect(JSON.parse(String(rule.body.event_pattern))).toEqual({
      source: ['personalize.monitor'],
      'detail-type': [
        'DeletePersonalizeCampaign',
        'StopPersonalizeRecommender',
        'UpdatePersonalizeCampaignMinProvisionedTPS',
        'UpdatePersonalizeRecommenderMinRecommendationRPS',
      ],
    });
    expect(target.body.arn).toBe(`\${${machine.address}.arn}`);
    expect(target.body.input).toBeUndefined();
    expect(String(rule.body.event_bus_name)).toMatch(/^\$\{aws_cloudwatch_event_bus\.[\w-]+\.name\}$/);
    expect(target.body.event_bus_name).toBe(rule.body.event_bus_name);
    expect(block(target.body.input_transformer).input_template).toBe('{"via":"requests-bus","event":<aws.events.event.json>}');
  });

  it('starts it with a role EventBridge assumes, allowed to start only that machine, created before the target (traps 8, 20)', () => {
    const roleAddress = String(target.body.role_arn).replace(/^\$\{|\.arn\}$/g, '');
    const trust = trustPolicies(tf).find((t) => t.roleAddress === roleAddress)!.document.Statement;
    expect(trust).toEqual([expect.objectContaining({ Principal: { Service: 'events.amazonaws.com' }, Action: 'sts:AssumeRole' })]);
    const policies = policiesOfRoleUsedBy(tf, target);
    expect(statementsOf(policies)).toEqual([
      expect.objectContaining({ Action: 'states:StartExecution', Resource: `arn:aws:states:${config.homeRegion}:123456789012:stateMachine:${stack}-action` }),
    ]);
    expect(target.body.depends_on).toEqual(expect.arrayContaining([policies[0].address]));
  });

  it('the MONITOR may start only the ACTION machine', () => {
    const monitor = resourceWhere(tf, 'aws_sfn_state_machine', 'name', `${stack}-monitor`);
    const starts = statementsOf(policiesOfRoleUsedBy(tf, monitor)).filter((s) => list(s.Action).includes('states:StartExecution'));
    expect(starts.flatMap((s) => list(s.Resource))).toEqual([`arn:aws:states:${config.homeRegion}:123456789012:stateMachine:${stack}-action`]);
  });
});
