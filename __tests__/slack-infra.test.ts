/** Slack through AWS Chatbot in the synthesized stack: created only when both ids are set. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadDeployConfig } from '../config/load';
import { chatbotApiRegion, slackConfigurationName } from '../infra/chatbot';
import { deployerPolicy, type TfArtifact } from '../infra/deployer-policy';
import { synth } from './support/synth';
import { resourcesOf } from './support/terraform';

const SLACK = { PM_SLACK_WORKSPACE_ID: 'T012ABCDEFG', PM_SLACK_CHANNEL_ID: 'C012ABCDEFG' };

describe('with slackWorkspaceId and slackChannelId', () => {
  const { tf } = synth(SLACK);
  const [config] = resourcesOf(tf, 'aws_chatbot_slack_channel_configuration');

  it('creates one channel configuration named from the stack, with the ids, in a Chatbot API region', () => {
    expect(resourcesOf(tf, 'aws_chatbot_slack_channel_configuration')).toHaveLength(1);
    expect(config.body).toMatchObject({
      configuration_name: 'pm-test-slack',
      slack_team_id: 'T012ABCDEFG',
      slack_channel_id: 'C012ABCDEFG',
      logging_level: 'ERROR',
      region: 'us-east-2', // home us-east-1 has no Chatbot API
    });
  });

  it('watches every notification topic (both regions), by reference', () => {
    const topics = resourcesOf(tf, 'aws_sns_topic').map((t) => `\${${t.address}.arn}`);
    expect(topics).toHaveLength(2);
    expect([...(config.body.sns_topic_arns as string[])].sort()).toEqual(topics.sort());
  });

  it('applies the ReadOnlyAccess guardrail of the partition', () => {
    expect(config.body.guardrail_policy_arns).toEqual(['arn:${data.aws_partition.partition.partition}:iam::aws:policy/ReadOnlyAccess']);
  });

  it('has its own role, trusted only by chatbot.amazonaws.com, with only read-only alarm-graph permissions', () => {
    const roleName = /^\$\{aws_iam_role\.([\w-]+)\.arn\}$/.exec(String(config.body.iam_role_arn))![1];
    const role = tf.resource.aws_iam_role[roleName];
    expect(role.name).toBe('pm-test-chatbot');
    const trust = JSON.parse(String(role.assume_role_policy));
    expect(trust.Statement).toEqual([{ Effect: 'Allow', Principal: { Service: 'chatbot.amazonaws.com' }, Action: 'sts:AssumeRole' }]);
    const policies = Object.values(tf.resource.aws_iam_role_policy).filter((p) => p.role === `\${aws_iam_role.${roleName}.name}`);
    expect(policies).toHaveLength(1);
    const doc = JSON.parse(String(policies[0].policy));
    expect(doc.Statement).toEqual([{ Sid: 'AlarmGraphs', Effect: 'Allow', Action: ['cloudwatch:DescribeAlarms', 'cloudwatch:GetMetricData'], Resource: '*' }]);
    expect(config.body.depends_on).toEqual([expect.stringMatching(/^aws_iam_role_policy\./)]);
  });

  it('the deployer may manage exactly this configuration and pass its role to Chatbot only', () => {
    const policy = deployerPolicy(tf as unknown as TfArtifact, { account: '123456789012' });
    const chatbot = policy.Statement.find((s) => s.Sid === 'ChatbotSlackChannelConfiguration')!;
    expect(chatbot.Resource).toEqual(['arn:aws:chatbot::123456789012:chat-configuration/slack-channel/pm-test-*']);
    expect(chatbot.Action).toContain('chatbot:CreateSlackChannelConfiguration');
    for (const a of chatbot.Action) expect(a).toMatch(/^chatbot:[A-Za-z]+$/);
    const pass = policy.Statement.find((s) => s.Action.includes('iam:PassRole'))!;
    expect(pass.Condition?.StringEquals['iam:PassedToService']).toContain('chatbot.amazonaws.com');
    expect(policy.Statement.find((s) => s.Resource === '*' && s.Action.includes('chatbot:DescribeSlackChannelConfigurations'))?.Action).toEqual(['chatbot:DescribeSlackChannelConfigurations']);
  });
});

describe('without Slack', () => {
  it('creates no Chatbot configuration and no Chatbot role', () => {
    const { tf } = synth();
    expect(resourcesOf(tf, 'aws_chatbot_slack_channel_configuration')).toEqual([]);
    expect(resourcesOf(tf, 'aws_iam_role').map((r) => String(r.body.name))).not.toContain('pm-test-chatbot');
    const policy = deployerPolicy(tf as unknown as TfArtifact);
    expect(JSON.stringify(policy)).not.toContain('chatbot');
  });
});

describe('config', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pm-slack-'));
  const empty = path.join(dir, 'empty.json');
  fs.writeFileSync(empty, '{}');
  const load = (env: Record<string, string>) => loadDeployConfig({ env: { PM_CONFIG_FILE: empty, AWS_REGION: 'us-east-1', PM_REGIONS: 'us-east-1', PM_NOTIFICATION_ENDPOINT: 'ops@example.com', ...env } });

  it('rejects a workspace without a channel, and a channel without a workspace, naming the missing key', () => {
    expect(() => load({ PM_SLACK_WORKSPACE_ID: 'T012ABCDEFG' })).toThrow(/slackChannelId[\s\S]*is empty while slackWorkspaceId is set; Slack needs both \(or neither\)/);
    expect(() => load({ PM_SLACK_CHANNEL_ID: 'C012ABCDEFG' })).toThrow(/slackWorkspaceId[\s\S]*is empty while slackChannelId is set/);
  });

  it('accepts both or neither', () => {
    expect(load(SLACK)).toMatchObject({ slackWorkspaceId: 'T012ABCDEFG', slackChannelId: 'C012ABCDEFG' });
    expect(load({})).toMatchObject({ slackWorkspaceId: '', slackChannelId: '' });
  });
});

describe('names and regions', () => {
  it('uses the home region when it has the Chatbot API, else us-east-2; GovCloud us-gov-west-1; refuses China', () => {
    expect(chatbotApiRegion('eu-west-1')).toBe('eu-west-1');
    expect(chatbotApiRegion('us-east-1')).toBe('us-east-2');
    expect(chatbotApiRegion('ap-northeast-1')).toBe('us-east-2');
    expect(chatbotApiRegion('us-gov-east-1')).toBe('us-gov-west-1');
    expect(() => chatbotApiRegion('cn-north-1')).toThrow(/China/);
  });

  it('checks the configuration name against Chatbot\'s 128-character rule', () => {
    expect(slackConfigurationName('pm-test')).toBe('pm-test-slack');
    expect(() => slackConfigurationName('x'.repeat(123))).toThrow(/1-128/);
  });
});
