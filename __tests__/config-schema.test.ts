import { DEFAULT_BEHAVIOUR, DEFAULT_DEPLOY, deployConfigSchema, describeIssues } from '../config/schema';

// The defaults plus an endpoint: the default approval modes mail their links (see config-strictness.test.ts).
const valid = { ...DEFAULT_DEPLOY, ...DEFAULT_BEHAVIOUR, homeRegion: 'us-east-1', regions: ['us-east-1'], notificationEndpoint: 'ops@example.com' };

function issues(patch: Record<string, unknown>): string {
  const r = deployConfigSchema.safeParse({ ...valid, ...patch });
  if (r.success) throw new Error('expected a validation error');
  return describeIssues(r.error);
}

describe('deployment configuration schema', () => {
  it('accepts the defaults', () => {
    expect(deployConfigSchema.safeParse(valid).success).toBe(true);
  });

  it('keeps the original parameter meanings: CSV lists, Yes/No, all', () => {
    const r = deployConfigSchema.parse({
      ...valid,
      regions: 'us-east-1, eu-west-1',
      campaignArns: 'arn:aws:personalize:eu-west-1:123456789012:campaign/a,arn:aws:personalize:us-east-1:123456789012:campaign/b',
      recommenderArns: 'all',
      autoDeleteOrStopIdleResources: 'Yes',
      autoCreateIdleAlarms: 'no',
      idleThresholdHours: 48,
    });
    expect(r.regions).toEqual(['us-east-1', 'eu-west-1']);
    expect(r.campaignArns).toHaveLength(2);
    expect(r.autoDeleteOrStopIdleResources).toBe(true);
    expect(r.autoCreateIdleAlarms).toBe(false);
    expect(r.idleThresholdHours).toBe(48);
  });

  it('takes numbers only as JSON numbers: a numeric string is rejected, not coerced', () => {
    expect(issues({ idleThresholdHours: '48' })).toBe('idleThresholdHours: expected a whole number from 2 to 168, got "48"');
  });

  it('allows idle thresholds up to 7 days (the original broke above 24 h)', () => {
    expect(deployConfigSchema.parse({ ...valid, idleThresholdHours: 168 }).idleThresholdHours).toBe(168);
    expect(issues({ idleThresholdHours: 169 })).toMatch(/idleThresholdHours: expected a whole number from 2 to 168/);
  });

  it('ARNs of partitions other than aws are accepted', () => {
    const r = deployConfigSchema.parse({
      ...valid,
      homeRegion: 'cn-north-1',
      regions: ['cn-north-1'],
      campaignArns: ['arn:aws-cn:personalize:cn-north-1:123456789012:campaign/c'],
    });
    expect(r.campaignArns).toEqual(['arn:aws-cn:personalize:cn-north-1:123456789012:campaign/c']);
  });

  it.each([
    [{ notificationEndpoint: 'not-an-email' }, /notificationEndpoint: expected an email address/],
    [{ logRetentionDays: 10 }, /logRetentionDays: expected one of 1, 3, 5, 7, 14, 30/],
    [{ utilizationThresholdAlarmLowerBound: 1001 }, /utilizationThresholdAlarmLowerBound: expected a number from 0 to 1000/],
    [{ stackName: '9bad' }, /stackName: expected 1-28 letters/],
    [{ scheduleExpression: 'every 5 minutes' }, /scheduleExpression: expected rate\(value unit\), cron\(.*\) or at\(/],
    [{ regions: [] }, /regions: expected at least one region/],
    [{ campaignArns: 'arn:aws:s3:::bucket' }, /campaignArns.0: expected a Personalize campaign ARN/],
    [{ extra: 1 }, /unknown field\(s\) "extra"/],
  ])('rejects %j with a message naming the field', (patch, pattern) => {
    expect(issues(patch)).toMatch(pattern);
  });
});
