/**
 * Who may ask for an action by event: the stack's requests bus and its policy (nobody by
 * default; only the listed role/user ARNs otherwise), the rule that wraps each event in the
 * envelope the ACTION reads its origin from, and the default bus only as an explicit opt-in.
 * Read from the synthesized cdk.tf.json.
 */
import { targetInput, type BusEvent } from '../runner/event-pattern';
import { validateAction } from '../tasks/action-validate/validate';
import { fillInputTemplate } from './support/deploy-trap-checks';
import { BEHAVIOUR, CAMPAIGN_ARN, EXECUTION_ARN, POLICY, STARTED_AT } from './support/action-fixtures';
import { synth } from './support/synth';
import { block, resourcesOf, type TfJson } from './support/terraform';

const SENDER = 'arn:aws:iam::123456789012:role/pricing-job';
const USER = 'arn:aws:iam::123456789012:user/ops/alice';

const busPolicy = (tf: TfJson) => JSON.parse(String(resourcesOf(tf, 'aws_cloudwatch_event_bus_policy')[0].body.policy)) as { Statement: Record<string, any>[] };
const requestRules = (tf: TfJson) =>
  resourcesOf(tf, 'aws_cloudwatch_event_rule').filter((r) => String(r.body.event_pattern ?? '').includes('DeletePersonalizeCampaign'));
const targetOf = (tf: TfJson, ruleAddress: string) => resourcesOf(tf, 'aws_cloudwatch_event_target').find((t) => t.body.rule === `\${${ruleAddress}.name}`)!;

describe('the requests bus', () => {
  const { tf, config } = synth();

  it('is <stackName>-requests and by default nobody may put events on it (an explicit Deny for every principal)', () => {
    const [bus] = resourcesOf(tf, 'aws_cloudwatch_event_bus');
    expect(bus.body.name).toBe(`${config.stackName}-requests`);
    expect(busPolicy(tf).Statement).toEqual([
      { Sid: 'NobodyMayPutEvents', Effect: 'Deny', Principal: '*', Action: 'events:PutEvents', Resource: `\${${bus.address}.arn}` },
    ]);
  });

  it('is the only bus a request rule listens on: no rule on the default bus starts an action', () => {
    const rules = requestRules(tf);
    expect(rules).toHaveLength(1);
    expect(String(rules[0].body.event_bus_name)).toMatch(/^\$\{aws_cloudwatch_event_bus\./);
  });

  it('lets only the listed senders put events: Deny unless aws:PrincipalArn is one of them, Allow for them', () => {
    const { tf: open } = synth({ PM_REQUEST_SENDERS: `${SENDER},${USER}` });
    const [deny, allow] = busPolicy(open).Statement;
    expect(deny).toMatchObject({ Effect: 'Deny', Principal: '*', Action: 'events:PutEvents', Condition: { ArnNotEquals: { 'aws:PrincipalArn': [SENDER, USER] } } });
    expect(allow).toMatchObject({ Effect: 'Allow', Principal: { AWS: [SENDER, USER] }, Action: 'events:PutEvents' });
    expect(busPolicy(open).Statement).toHaveLength(2);
  });
});

describe('the envelope a request rule builds is what the ACTION reads its origin from', () => {
  const event = (detail: Record<string, unknown>) => ({
    version: '0', id: 'e-1', 'detail-type': 'DeletePersonalizeCampaign', source: 'personalize.monitor', account: '123456789012',
    time: STARTED_AT, region: 'us-east-1', resources: [], detail,
  });
  /** What EventBridge hands the ACTION for `e` through the rule's input template (the runner's transformer). */
  const delivered = (inputTemplate: string, e: ReturnType<typeof event>) => targetInput(e as BusEvent, { inputTransformer: { inputPaths: {}, inputTemplate } });
  const validate = (input: unknown) => validateAction({ defaults: BEHAVIOUR, policy: POLICY, input, startedAt: STARTED_AT, executionArn: EXECUTION_ARN }).request;

  it('requests bus → origin requestsBus in eventActionMode; fields in the event cannot change that', () => {
    const { tf } = synth();
    const template = String(block(targetOf(tf, requestRules(tf)[0].address).body.input_transformer).input_template);
    expect(() => JSON.parse(fillInputTemplate(template))).not.toThrow();
    const forged = event({ ARN: CAMPAIGN_ARN, Evidence: { Window: '2099-01-01T00:00:00Z/2099-01-01T00:00:00Z', DryRun: false } });
    expect(validate(delivered(template, forged))).toMatchObject({ origin: 'requestsBus', source: 'event', mode: 'auto' });
  });

  it('default bus only with acceptDefaultBusRequests, and a delete from there always waits for approval', () => {
    const { tf } = synth({ PM_ACCEPT_DEFAULT_BUS_REQUESTS: 'true' });
    const rules = requestRules(tf);
    expect(rules).toHaveLength(2);
    const onDefault = rules.find((r) => r.body.event_bus_name === undefined)!;
    const template = String(block(targetOf(tf, onDefault.address).body.input_transformer).input_template);
    expect(validate(delivered(template, event({ ARN: CAMPAIGN_ARN })))).toMatchObject({ origin: 'defaultBus', mode: 'approval' });
  });
});
