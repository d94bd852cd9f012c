/** Synth refuses what AWS would reject later: bad names, environment keys, wildcard IAM, unescaped templates. */
import { checkEnvironment } from '../infra/nodejs-function';
import { policyDocument } from '../infra/iam';
import { dashboardName, functionName, monitorStateMachineName } from '../infra/names';
import { escapeTemplateLiterals } from '../infra/terraform-strings';

describe('names', () => {
  it('builds names from the stack name and refuses those over the AWS limit', () => {
    expect(functionName('pm', 'collect')).toBe('pm-collect');
    expect(monitorStateMachineName('pm')).toBe('pm-monitor');
    expect(dashboardName('pm')).toBe('pm-dashboard');
    expect(() => functionName('p'.repeat(28), 'a-task-name-that-is-far-too-long-here')).toThrow(/lambdaFunction name .* is 66 characters; the limit is 64/);
    expect(() => functionName('pm', 'bad name')).toThrow(/may only contain/);
  });
});

describe('Lambda environment', () => {
  it('accepts our keys and refuses reserved, malformed or oversized ones', () => {
    expect(() => checkEnvironment({ PM_HOME_REGION: 'us-east-1', NODE_OPTIONS: '--enable-source-maps' }, 'fn')).not.toThrow();
    expect(() => checkEnvironment({ AWS_REGION: 'us-east-1' }, 'fn')).toThrow(/"AWS_REGION" is reserved/);
    expect(() => checkEnvironment({ AWS_LAMBDA_LOG_LEVEL: 'DEBUG' }, 'fn')).toThrow(/reserved/);
    expect(() => checkEnvironment({ '1BAD': 'x' }, 'fn')).toThrow(/must match/);
    expect(() => checkEnvironment({ BIG: 'x'.repeat(4100) }, 'fn')).toThrow(/Lambda allows 4096/);
  });
});

describe('IAM policies', () => {
  it('refuses wildcard actions and "*" resources without a reason', () => {
    expect(() => policyDocument([{ actions: ['s3:*'], resources: ['arn:aws:s3:::b'] }], 'role x')).toThrow(/action "s3:\*" must name one API/);
    expect(() => policyDocument([{ actions: ['sns:Publish'], resources: ['*'] }], 'role x')).toThrow(/resource "\*" without saying why/);
  });

  it('writes Version, readable unique Sids and conditions', () => {
    const doc = JSON.parse(
      policyDocument(
        [
          { actions: ['sns:Publish'], resources: ['arn:aws:sns:us-east-1:1:a'] },
          { actions: ['sns:Publish'], resources: ['arn:aws:sns:us-east-1:1:b'] },
          { actions: ['cloudwatch:PutMetricData'], resources: ['*'], why: 'no resource type', conditions: { StringEquals: { 'cloudwatch:namespace': 'N' } } },
        ],
        'role x',
      ),
    );
    expect(doc.Version).toBe('2012-10-17');
    expect(doc.Statement.map((s: { Sid: string }) => s.Sid)).toEqual(['SnsPublish', 'SnsPublish2', 'CloudwatchPutMetricData']);
    expect(doc.Statement[2].Condition).toEqual({ StringEquals: { 'cloudwatch:namespace': 'N' } });
  });
});

describe('Terraform template escaping', () => {
  it('escapes literal ${ and %{ and keeps cdktf token markers as references', () => {
    expect(escapeTemplateLiterals('a ${b} %{c} ${TfToken[TOKEN.12]}')).toBe('a $${b} %%{c} ${TfToken[TOKEN.12]}');
  });
});
