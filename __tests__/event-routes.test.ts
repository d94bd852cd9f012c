/**
 * EventBridge routes in the synthesized stack: every rule that invokes a Lambda function does it
 * the way a first deploy accepts (deploy-traps 8, 20, 21).
 */
import { synth } from './support/synth';
import { block, resourceWhere, resourcesOf } from './support/terraform';

const { tf, config } = synth();
const stack = config.stackName;

function rule(suffix: string) {
  return resourceWhere(tf, 'aws_cloudwatch_event_rule', 'name', `${stack}-${suffix}`);
}
function targetOf(ruleAddress: string) {
  const targets = resourcesOf(tf, 'aws_cloudwatch_event_target').filter((t) => t.body.rule === `\${${ruleAddress}.name}`);
  expect(targets).toHaveLength(1);
  return targets[0];
}

describe('dashboard rebuild triggers', () => {
  const builder = resourceWhere(tf, 'aws_lambda_function', 'function_name', `${stack}-build-dashboard`);

  it('rebuilds every hour with a constant, valid JSON input', () => {
    const hourly = rule('dashboard-hourly');
    expect(hourly.body.schedule_expression).toBe('rate(1 hour)');
    const target = targetOf(hourly.address);
    expect(target.body.arn).toBe(`\${${builder.address}.arn}`);
    expect(JSON.parse(String(target.body.input))).toEqual({ reason: 'hourly rebuild' });
  });

  it('rebuilds on the original BuildPersonalizeMonitorDashboard event, passing the event itself', () => {
    const request = rule('dashboard-request');
    expect(JSON.parse(String(request.body.event_pattern))).toEqual({ source: ['personalize.monitor'], 'detail-type': ['BuildPersonalizeMonitorDashboard'] });
    const target = targetOf(request.address);
    expect(target.body.input).toBeUndefined();
    expect(target.body.input_transformer).toBeUndefined();
  });

  it.each(['dashboard-hourly', 'dashboard-request'])('%s: Lambda target without a role, permission scoped to the rule, created first', (suffix) => {
    const r = rule(suffix);
    const target = targetOf(r.address);
    expect(target.body.role_arn).toBeUndefined();
    const permissions = resourcesOf(tf, 'aws_lambda_permission').filter((p) => p.body.source_arn === `\${${r.address}.arn}`);
    expect(permissions).toHaveLength(1);
    expect(permissions[0].body).toMatchObject({ action: 'lambda:InvokeFunction', principal: 'events.amazonaws.com' });
    expect(permissions[0].body.function_name).toBe(`\${${builder.address}.function_name}`);
    expect(target.body.depends_on).toContain(permissions[0].address);
  });

  it('tells the builder which regions and resources to draw', () => {
    const env = block(builder.body.environment).variables as Record<string, string>;
    expect(JSON.parse(env.PM_REGIONS)).toEqual(config.regions);
  });
});
