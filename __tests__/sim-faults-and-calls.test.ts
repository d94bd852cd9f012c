/**
 * Fault injection and the call log of the simulated account: throttling and server errors reach
 * the SDK as the service's own exceptions (and its retries recover from a few), seeded
 * probabilities are reproducible, latency is added, every call is recorded with its caller.
 */
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { ListCampaignsCommand, PersonalizeClient } from '@aws-sdk/client-personalize';
import { PublishCommand, SNSClient, ThrottledException } from '@aws-sdk/client-sns';
import { SimAccount, simClientConfig, startSimServer, type SimServer } from '../sim';

const REGION = 'ap-southeast-2';
let account: SimAccount;
let server: SimServer;

beforeEach(async () => {
  account = new SimAccount();
  server = await startSimServer(account);
});
afterEach(async () => {
  await server.close();
});

describe('fault injection', () => {
  it('throttles the next call of one operation with the service’s exception, then recovers', async () => {
    const p = new PersonalizeClient(simClientConfig(server.url, REGION, { maxAttempts: 1 }));
    const fault = account.injectFault({ kind: 'throttle', service: 'personalize', operation: 'ListCampaigns', count: 1 });

    const first = await p.send(new ListCampaignsCommand({})).catch((e) => e);
    const second = await p.send(new ListCampaignsCommand({}));
    p.destroy();

    expect(first.name).toBe('ThrottlingException');
    expect(second.campaigns).toEqual([]);
    expect(fault.hits).toBe(1);
    expect(account.calls({ operation: 'ListCampaigns' }).map((c) => c.outcome)).toEqual(['fault', 'ok']);
  });

  it('the SDK’s own retries absorb two throttled attempts', async () => {
    const p = new PersonalizeClient(simClientConfig(server.url, REGION));
    account.injectFault({ kind: 'throttle', service: 'personalize', count: 2 });

    const out = await p.send(new ListCampaignsCommand({}));
    p.destroy();

    expect(out.$metadata.attempts).toBe(3);
  });

  it('uses each service’s throttling name, or the one asked for', async () => {
    const cw = new CloudWatchClient(simClientConfig(server.url, REGION, { maxAttempts: 1 }));
    const sns = new SNSClient(simClientConfig(server.url, REGION, { maxAttempts: 1 }));
    const p = new PersonalizeClient(simClientConfig(server.url, REGION, { maxAttempts: 1 }));
    const topic = account.sns.createTopic(REGION, 't');
    account.injectFault({ kind: 'throttle', service: 'cloudwatch', count: 1 });
    account.injectFault({ kind: 'throttle', service: 'sns', count: 1 });
    account.injectFault({ kind: 'throttle', service: 'personalize', count: 1, errorCode: 'TooManyRequestsException' });

    const cwErr = await cw.send(new DescribeAlarmsCommand({})).catch((e) => e);
    const snsErr = await sns.send(new PublishCommand({ TopicArn: topic, Message: 'm' })).catch((e) => e);
    const pErr = await p.send(new ListCampaignsCommand({})).catch((e) => e);
    [cw, sns, p].forEach((c) => c.destroy());

    expect(cwErr.name).toBe('Throttling');
    expect(snsErr).toBeInstanceOf(ThrottledException);
    expect(pErr.name).toBe('TooManyRequestsException');
  });

  it('server errors arrive as 5xx server faults', async () => {
    const p = new PersonalizeClient(simClientConfig(server.url, REGION, { maxAttempts: 1 }));
    account.injectFault({ kind: 'serverError', service: 'personalize', count: 1, status: 503, errorCode: 'ServiceUnavailable' });

    const err = await p.send(new ListCampaignsCommand({})).catch((e) => e);
    p.destroy();

    expect(err).toMatchObject({ name: 'ServiceUnavailable', $fault: 'server', $metadata: { httpStatusCode: 503 } });
  });

  it('a seeded probability hits the same calls on every run', async () => {
    const pattern = async () => {
      const a = new SimAccount();
      a.injectFault({ kind: 'throttle', service: 'personalize', probability: 0.3, seed: 42 });
      const outcomes: string[] = [];
      for (let i = 0; i < 30; i++) outcomes.push(await a.invoke('personalize', 'ListCampaigns', {}, { region: REGION }).then(() => 'ok', () => 'throttled'));
      return outcomes;
    };

    const run1 = await pattern();
    const run2 = await pattern();

    expect(run1).toEqual(run2);
    const throttled = run1.filter((o) => o === 'throttled').length;
    expect(throttled).toBeGreaterThan(3);
    expect(throttled).toBeLessThan(20);
  });

  it('adds latency to matching calls', async () => {
    const p = new PersonalizeClient(simClientConfig(server.url, REGION, { maxAttempts: 1 }));
    account.injectFault({ kind: 'latency', latencyMs: 150, operation: 'ListCampaigns', count: 1 });

    const t0 = Date.now();
    await p.send(new ListCampaignsCommand({}));
    const slow = Date.now() - t0;
    p.destroy();

    expect(slow).toBeGreaterThanOrEqual(140);
  });
});

describe('call log', () => {
  it('records time, service, operation, region and the caller (SDK app id)', async () => {
    const p = new PersonalizeClient(simClientConfig(server.url, 'eu-central-1', { caller: 'pm-collect' }));
    await p.send(new ListCampaignsCommand({}));
    account.clock.advance(60_000);
    await p.send(new ListCampaignsCommand({}));
    p.destroy();

    const calls = account.calls({ service: 'personalize' });

    expect(calls.map((c) => [c.operation, c.region, c.caller, c.outcome])).toEqual([
      ['ListCampaigns', 'eu-central-1', 'pm-collect', 'ok'],
      ['ListCampaigns', 'eu-central-1', 'pm-collect', 'ok'],
    ]);
    expect(calls[1].time - calls[0].time).toBe(60_000);
    expect(account.calls({ service: 'cloudwatch' })).toEqual([]);
    expect(account.calls({ since: calls[1].time })).toHaveLength(1);
  });

  it('is readable over HTTP for out-of-process callers', async () => {
    await account.invoke('sns', 'CreateTopic', { Name: 'x' }, { region: REGION, caller: 'demo' });
    const res = await fetch(`${server.url}/__sim/calls?service=sns`);
    expect(await res.json()).toEqual([expect.objectContaining({ service: 'sns', operation: 'CreateTopic', caller: 'demo' })]);
  });
});

describe('unmodified code configured only by the environment', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it('reaches the simulator through AWS_ENDPOINT_URL, in AWS_REGION, labelled by AWS_SDK_UA_APP_ID', async () => {
    process.env.AWS_ENDPOINT_URL = server.url;
    process.env.AWS_REGION = 'sa-east-1';
    process.env.AWS_SDK_UA_APP_ID = 'pm-handler';
    account.personalize.createCampaign({ region: 'sa-east-1', name: 'c', createdAt: account.clock.now() - 86_400_000 });

    // What a Lambda handler does: a client with no endpoint, region or credentials in code.
    const p = new PersonalizeClient({});
    const out = await p.send(new ListCampaignsCommand({}));
    p.destroy();

    expect(out.campaigns?.map((c) => c.name)).toEqual(['c']);
    expect(account.calls()).toEqual([expect.objectContaining({ service: 'personalize', region: 'sa-east-1', caller: 'pm-handler' })]);
  });
});
