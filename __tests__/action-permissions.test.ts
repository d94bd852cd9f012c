import { TASKS, taskByName } from '../tasks/registry';
import type { PermissionContext } from '../tasks/shared/task-spec';

const ctx: PermissionContext = {
  partition: 'aws-us-gov',
  accountId: '123456789012',
  homeRegion: 'us-gov-west-1',
  regions: ['us-gov-west-1', 'us-gov-east-1'],
  stackName: 'pm',
};
const ACTION_TASKS = ['action-validate', 'action-request-approval', 'action-recheck', 'action-act', 'action-check-settled', 'action-finish', 'action-notify', 'approval'];
const statementsOf = (name: string) => taskByName(name).permissions(ctx);
const actionsOf = (name: string) => statementsOf(name).flatMap((s) => s.actions);

describe('ACTION task permissions', () => {
  it('registers every ACTION task with an entry in its own folder', () => {
    for (const name of ACTION_TASKS) expect(taskByName(name).entry).toBe(`tasks/${name}/handler.ts`);
  });

  it.each(ACTION_TASKS)('%s: no wildcard action, and every * resource says why', (name) => {
    for (const s of statementsOf(name)) {
      for (const a of s.actions) expect(a).toMatch(/^[a-z0-9-]+:[A-Za-z]+$/);
      if (s.resources.includes('*')) expect(s.why).toEqual(expect.any(String));
    }
  });

  it('only action-act may change Personalize, scoped to campaign / recommender ARNs of this account in the monitored regions', () => {
    const destructive = /^personalize:(Delete|Stop|Update|Create|Start)/;
    for (const t of TASKS) {
      if (t.name === 'action-act') continue;
      expect(t.permissions(ctx).flatMap((s) => s.actions).filter((a) => destructive.test(a))).toEqual([]);
    }
    const statements = statementsOf('action-act');
    const byAction = new Map(statements.flatMap((s) => s.actions.map((a) => [a, s.resources] as const)));
    const campaigns = ['arn:aws-us-gov:personalize:us-gov-west-1:123456789012:campaign/*', 'arn:aws-us-gov:personalize:us-gov-east-1:123456789012:campaign/*'];
    const recommenders = campaigns.map((a) => a.replace('campaign/*', 'recommender/*'));
    expect(byAction.get('personalize:DeleteCampaign')).toEqual(campaigns);
    expect(byAction.get('personalize:UpdateCampaign')).toEqual(campaigns);
    expect(byAction.get('personalize:StopRecommender')).toEqual(recommenders);
    expect(byAction.get('personalize:UpdateRecommender')).toEqual(recommenders);
    expect(statements.flatMap((s) => s.actions).sort()).toEqual(
      ['personalize:DeleteCampaign', 'personalize:DescribeCampaign', 'personalize:DescribeRecommender', 'personalize:StopRecommender', 'personalize:UpdateCampaign', 'personalize:UpdateRecommender'].sort(),
    );
  });

  it('only the approval function can send task results, and only it can read approvals (tokens)', () => {
    for (const t of TASKS) {
      const actions = t.permissions(ctx).flatMap((s) => s.actions);
      const sends = actions.filter((a) => a.startsWith('states:SendTask'));
      // Reads of anything but the MONITOR's state table (collect and build-dashboard Query it: no token there).
      const reads = t
        .permissions(ctx)
        .filter((s) => !s.resources.every((r) => r.endsWith(':table/pm-state')))
        .flatMap((s) => s.actions)
        .filter((a) => a === 'dynamodb:GetItem' || a === 'dynamodb:Query' || a === 'dynamodb:Scan');
      if (t.name === 'approval') {
        expect(sends.sort()).toEqual(['states:SendTaskFailure', 'states:SendTaskSuccess']);
        expect(reads).toEqual(['dynamodb:GetItem']);
      } else {
        expect(sends).toEqual([]);
        expect(reads).toEqual([]);
      }
    }
    const table = 'arn:aws-us-gov:dynamodb:us-gov-west-1:123456789012:table/pm-approvals';
    expect(statementsOf('approval').find((s) => s.actions.includes('dynamodb:UpdateItem'))?.resources).toEqual([table]);
    expect(statementsOf('action-request-approval').find((s) => s.actions.includes('dynamodb:PutItem'))?.resources).toEqual([table]);
  });

  it('finish deletes only our alarms and emits only on the default bus', () => {
    const s = statementsOf('action-finish');
    // The default prefix of stack `pm`, never the original sample's PersonalizeMonitor-*.
    expect(s.find((x) => x.actions.includes('cloudwatch:DeleteAlarms'))?.resources).toEqual([
      'arn:aws-us-gov:cloudwatch:us-gov-west-1:123456789012:alarm:pm-alarm-*',
      'arn:aws-us-gov:cloudwatch:us-gov-east-1:123456789012:alarm:pm-alarm-*',
    ]);
    expect(s.find((x) => x.actions.includes('events:PutEvents'))?.resources).toEqual(['arn:aws-us-gov:events:us-gov-west-1:123456789012:event-bus/default']);
  });

  it('validate needs nothing; recheck and check-settled only read', () => {
    expect(actionsOf('action-validate')).toEqual([]);
    for (const name of ['action-recheck', 'action-check-settled']) {
      const actions = actionsOf(name);
      expect(actions.length).toBeGreaterThan(0);
      // dynamodb:Query: recheck reads the canary's counts (its requests are not use).
      for (const a of actions) expect(a).toMatch(/^(personalize:(Describe|List)|cloudwatch:GetMetricData|dynamodb:Query$)/);
    }
  });
});
