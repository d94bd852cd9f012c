/**
 * A simulated account served on 127.0.0.1 for each test of the describe that calls
 * {@link simViewer}, and CloudWatch clients of a "viewer" (who reads dashboards, as the demo's page
 * does) on it, all closed after each test.
 */
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { SimAccount, simClientConfig, startSimServer, type SimServer } from '../../sim';

export interface SimViewer {
  /** This test's account (a fresh one per test). */
  readonly account: SimAccount;
  /** A viewer's CloudWatch client of `region` on this test's server. */
  client(region: string): CloudWatchClient;
}

/** Registers the per-test account, server and clean-up; `onClient` may add middleware to each client. */
export function simViewer(options: { onClient?: (client: CloudWatchClient) => void } = {}): SimViewer {
  let account: SimAccount | undefined;
  let server: SimServer | undefined;
  const clients: CloudWatchClient[] = [];
  beforeEach(async () => {
    account = new SimAccount({ personalizeMetricDelayMs: 0 });
    server = await startSimServer(account);
  });
  afterEach(async () => {
    clients.forEach((c) => c.destroy());
    clients.length = 0;
    await server?.close();
  });
  return {
    get account() {
      if (!account) throw new Error('simViewer: the account exists only inside a test');
      return account;
    },
    client(region) {
      if (!server) throw new Error('simViewer: the server runs only inside a test');
      const c = new CloudWatchClient(simClientConfig(server.url, region, { maxAttempts: 1, caller: 'viewer' }));
      options.onClient?.(c);
      clients.push(c);
      return c;
    },
  };
}
