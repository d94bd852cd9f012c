/**
 * The edge of every task: structured log lines (Powertools Logger) carry the service, the
 * request id, the cold-start flag and the X-Ray trace id, never a secret; SDK clients come from
 * one factory, once per service and region, and tests can swap it.
 */
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { PersonalizeClient } from '@aws-sdk/client-personalize';
import { awsClients, cachingClients, resetClients, setClientFactory, type Clients } from '../tasks/aws/clients';
import { lambdaEntry } from '../tasks/shared/entry';
import { Logger } from '../tasks/shared/logger';

const CONTEXT = { awsRequestId: 'req-123', functionName: 'pm-collect', functionVersion: '$LATEST', invokedFunctionArn: 'arn:aws:lambda:us-east-1:1:function:pm-collect', memoryLimitInMB: '256' };
const TRACE = 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1';

describe('structured logs', () => {
  const savedTrace = process.env._X_AMZN_TRACE_ID;
  afterEach(() => {
    if (savedTrace === undefined) delete process.env._X_AMZN_TRACE_ID;
    else process.env._X_AMZN_TRACE_ID = savedTrace;
  });

  it('every line of an invocation carries service, request id, cold start and trace id, children included', async () => {
    process.env._X_AMZN_TRACE_ID = TRACE;
    const lines: Record<string, unknown>[] = [];
    const logger = new Logger('collect', {}, 'INFO', (l) => lines.push(JSON.parse(l)));
    const handler = lambdaEntry('collect', logger, async (event: { region: string }) => {
      logger.child({ region: event.region }).info('region collected', { findings: 2 });
      return 'ok';
    });

    await expect(handler({ region: 'eu-west-1' }, CONTEXT)).resolves.toBe('ok');

    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 'INFO',
      message: 'region collected',
      service: 'collect',
      function_request_id: 'req-123',
      function_name: 'pm-collect',
      xray_trace_id: '1-5759e988-bd862e3fe1be46a994272793',
      region: 'eu-west-1',
      findings: 2,
    });
    expect(typeof lines[0].cold_start).toBe('boolean');
    expect(typeof lines[0].timestamp).toBe('string');
  });

  it('the next invocation logs its own request id', async () => {
    const lines: Record<string, unknown>[] = [];
    const logger = new Logger('approval', {}, 'INFO', (l) => lines.push(JSON.parse(l)));
    const handler = lambdaEntry('approval', logger, async () => logger.info('hit'));
    await handler({}, { ...CONTEXT, awsRequestId: 'first' });
    await handler({}, { ...CONTEXT, awsRequestId: 'second' });
    expect(lines.map((l) => l.function_request_id)).toEqual(['first', 'second']);
  });

  it('values of secret-looking keys never reach a line, at any depth', () => {
    const lines: string[] = [];
    const logger = new Logger('action-request-approval', { sessionToken: 'ctx-secret' }, 'DEBUG', (l) => lines.push(l));
    logger.info('approval requested', { taskToken: 'AAAAtoken', nested: [{ Authorization: 'Bearer x', ok: 1 }], error: new Error('boom') });
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toMatch(/AAAAtoken|Bearer x|ctx-secret/);
    expect(JSON.parse(lines[0])).toMatchObject({ taskToken: '[redacted]', nested: [{ Authorization: '[redacted]', ok: 1 }], error: { name: 'Error', message: 'boom' } });
  });

  it('honours the level: OFF writes nothing, WARN drops info', () => {
    const lines: string[] = [];
    new Logger('t', {}, 'OFF', (l) => lines.push(l)).error('silent');
    const warn = new Logger('t', {}, 'WARN', (l) => lines.push(l));
    warn.info('dropped');
    warn.child({ a: 1 }).info('dropped too');
    warn.warn('kept');
    expect(lines.map((l) => JSON.parse(l).message)).toEqual(['kept']);
  });

  it('a handler called without a context (tests, local calls) still logs', async () => {
    const lines: string[] = [];
    const logger = new Logger('t', {}, 'INFO', (l) => lines.push(l));
    await lambdaEntry('t', logger, async () => logger.info('no context'))({});
    expect(JSON.parse(lines[0])).toMatchObject({ message: 'no context', service: 't' });
    expect(JSON.parse(lines[0]).function_request_id).toBeUndefined();
  });
});

describe('client factory', () => {
  afterEach(() => resetClients());

  it('makes one client per service and region, configured for that region', async () => {
    const clients = cachingClients();
    expect(clients.personalize('eu-west-1')).toBe(clients.personalize('eu-west-1'));
    expect(clients.personalize('eu-west-1')).not.toBe(clients.personalize('us-east-1'));
    expect(clients.personalize('eu-west-1')).toBeInstanceOf(PersonalizeClient);
    expect(await clients.cloudwatch('ap-south-1').config.region()).toBe('ap-south-1');
  });

  it('options give a separate client with those limits', async () => {
    const clients = cachingClients();
    const bounded = clients.cloudwatch('us-east-1', { maxAttempts: 3 });
    expect(bounded).not.toBe(clients.cloudwatch('us-east-1'));
    expect(bounded).toBe(clients.cloudwatch('us-east-1', { maxAttempts: 3 }));
    expect(await bounded.config.maxAttempts()).toBe(3);
  });

  it('setClientFactory swaps the clients every task gets; resetClients restores fresh ones', () => {
    const fake = new CloudWatchClient({ region: 'us-east-1' });
    const before = awsClients.cloudwatch('us-east-1');
    setClientFactory({ ...cachingClients(), cloudwatch: () => fake } as Clients);
    expect(awsClients.cloudwatch('eu-west-1')).toBe(fake);
    resetClients();
    const after = awsClients.cloudwatch('us-east-1');
    expect(after).not.toBe(fake);
    expect(after).not.toBe(before);
  });
});
