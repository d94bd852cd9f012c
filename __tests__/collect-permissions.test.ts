import { spec } from '../tasks/collect/spec';
import { taskByName } from '../tasks/registry';

const ctx = { partition: 'aws-cn', accountId: '123456789012', homeRegion: 'cn-north-1', regions: ['cn-north-1', 'cn-northwest-1'], stackName: 'pm' };

describe('collect permissions', () => {
  const statements = spec.permissions(ctx);
  const actions = statements.flatMap((s) => s.actions);

  it('is registered under its name', () => {
    expect(taskByName('collect')).toBe(spec);
  });

  it('grants named actions only, and explains every `*` resource', () => {
    expect(actions.every((a) => /^[a-z]+:[A-Z][A-Za-z]+$/.test(a))).toBe(true);
    for (const s of statements.filter((x) => x.resources.includes('*'))) expect(s.why).toBeTruthy();
  });

  it('never grants a Personalize write (collect only reads Personalize)', () => {
    expect(actions.filter((a) => a.startsWith('personalize:') && !/^personalize:(List|Describe)/.test(a))).toEqual([]);
  });

  it('scopes describes and alarm writes to each region, partition and account', () => {
    const describe = statements.find((s) => s.actions.includes('personalize:DescribeCampaign'))!;
    expect(describe.resources).toEqual([
      'arn:aws-cn:personalize:cn-north-1:123456789012:campaign/*',
      'arn:aws-cn:personalize:cn-north-1:123456789012:recommender/*',
      'arn:aws-cn:personalize:cn-northwest-1:123456789012:campaign/*',
      'arn:aws-cn:personalize:cn-northwest-1:123456789012:recommender/*',
    ]);
    const alarms = statements.find((s) => s.actions.includes('cloudwatch:DeleteAlarms'))!;
    // The default prefix of stack `pm`, never the original sample's PersonalizeMonitor-*.
    expect(alarms.resources).toEqual([
      'arn:aws-cn:cloudwatch:cn-north-1:123456789012:alarm:pm-alarm-*',
      'arn:aws-cn:cloudwatch:cn-northwest-1:123456789012:alarm:pm-alarm-*',
    ]);
    expect(alarms.actions).toContain('cloudwatch:ListTagsForResource');
    // A configured prefix (the infrastructure passes it in the permission context) replaces it.
    const configured = spec.permissions({ ...ctx, alarmPrefix: 'team-a-' } as typeof ctx).find((s) => s.actions.includes('cloudwatch:DeleteAlarms'))!;
    expect(configured.resources).toEqual([
      'arn:aws-cn:cloudwatch:cn-north-1:123456789012:alarm:team-a-*',
      'arn:aws-cn:cloudwatch:cn-northwest-1:123456789012:alarm:team-a-*',
    ]);
    // PutMetricData only when the deploy publishes the original's metrics, and then only our namespace.
    expect(actions).not.toContain('cloudwatch:PutMetricData');
    const put = spec.permissions({ ...ctx, publishUtilizationMetrics: true } as typeof ctx).find((s) => s.actions.includes('cloudwatch:PutMetricData'))!;
    expect(put.conditions).toEqual({ StringEquals: { 'cloudwatch:namespace': 'PersonalizeMonitor' } });
  });

  it('reads and writes only its state table (Query, BatchWriteItem), in the home region', () => {
    const state = statements.filter((s) => s.actions.some((a) => a.startsWith('dynamodb:')));
    expect(state).toEqual([expect.objectContaining({ actions: ['dynamodb:Query', 'dynamodb:BatchWriteItem'], resources: ['arn:aws-cn:dynamodb:cn-north-1:123456789012:table/pm-state'] })]);
  });
});
