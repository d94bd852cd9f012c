/**
 * The read-only guard (tasks/aws/read-only.ts) over EVERY command of EVERY @aws-sdk/client-*
 * package this repository depends on: each operation that is not a read is refused before a
 * request reaches the HTTP layer, and each read passes through to it. The HTTP layer is a
 * recording requestHandler, so "before it is sent" is observed, not assumed.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isReadOperation, NOT_READS, READ_ONLY_MIDDLEWARE, readOnly, readOnlyClients, WriteRefusedError } from '../tasks/aws/read-only';
import type { Clients } from '../tasks/aws/clients';

const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')) as { dependencies?: Record<string, string>; devDependencies?: Record<string, string> };
const SDK_PACKAGES = Object.keys({ ...pkg.dependencies, ...pkg.devDependencies }).filter((n) => n.startsWith('@aws-sdk/client-')).sort();

/** Raised by the recording handler instead of answering (nothing is parsed). */
class Reached extends Error {
  constructor(readonly target: string) {
    super(`request reached the HTTP layer: ${target}`);
  }
}

interface SdkClient {
  send(command: unknown): Promise<unknown>;
  middlewareStack: { identify(): string[] };
  destroy(): void;
}
type ClientClass = new (config: Record<string, unknown>) => SdkClient;
type CommandClass = new (input: Record<string, unknown>) => unknown;

function recordingClient(Client: ClientClass, sent: string[]): SdkClient {
  return new Client({
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDTEST', secretAccessKey: 'test-secret' },
    maxAttempts: 1,
    requestHandler: {
      handle: async (request: { headers?: Record<string, string>; body?: unknown; path?: string }) => {
        const target = request.headers?.['x-amz-target'] ?? String(request.body ?? request.path ?? '');
        sent.push(target);
        throw new Reached(target);
      },
    },
  });
}

function sdk(name: string): { Client: ClientClass; commands: [string, CommandClass][] } {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const mod = require(name) as Record<string, unknown>;
  const clientName = Object.keys(mod).find((k) => k.endsWith('Client') && !k.startsWith('_') && typeof mod[k] === 'function' && typeof (mod[k] as { prototype?: { send?: unknown } }).prototype?.send === 'function');
  if (!clientName) throw new Error(`${name}: no client class exported`);
  const commands = Object.entries(mod).filter((e): e is [string, CommandClass] => /^[A-Z]\w*Command$/.test(e[0]) && typeof e[1] === 'function');
  return { Client: mod[clientName] as ClientClass, commands };
}

/** SDK packages without a single write operation. */
const ONLY_READS = ['@aws-sdk/client-personalize-runtime'];

describe('read-only clients refuse every write of every SDK package we depend on', () => {
  it('the repository depends on the SDK packages this test covers', () => {
    expect(SDK_PACKAGES).toEqual(expect.arrayContaining(['@aws-sdk/client-personalize', '@aws-sdk/client-cloudwatch', '@aws-sdk/client-sns', '@aws-sdk/client-sfn', '@aws-sdk/client-dynamodb', '@aws-sdk/client-eventbridge']));
  });

  describe.each(SDK_PACKAGES)('%s', (name) => {
    const { Client, commands } = sdk(name);

    it('exports commands (the enumeration found something)', () => {
      // The Personalize runtime has 3 operations, all reads (GetRecommendations, ...).
      expect(commands.length).toBeGreaterThan(ONLY_READS.includes(name) ? 2 : 5);
    });

    it('refuses every non-read command before any request is sent, and sends every read', async () => {
      const sent: string[] = [];
      const client = readOnly(recordingClient(Client, sent));
      expect(client.middlewareStack.identify().some((m) => m.startsWith(READ_ONLY_MIDDLEWARE))).toBe(true);
      const refused: string[] = [];
      const passed: string[] = [];
      const wrong: string[] = [];
      for (const [commandName, Command] of commands) {
        const before = sent.length;
        const outcome = await client.send(new Command({})).then(
          () => 'answered',
          (err: unknown) => err,
        );
        const reached = sent.length > before;
        if (isReadOperation(commandName)) {
          if (outcome instanceof Reached && reached) passed.push(commandName);
          else wrong.push(`${commandName} (read) did not reach the HTTP layer: ${String(outcome)}`);
        } else if (outcome instanceof WriteRefusedError && !reached && outcome.operation === commandName.replace(/Command$/, '')) {
          refused.push(commandName);
        } else {
          wrong.push(`${commandName} (write) was not refused before sending: ${String(outcome)}, reached ${reached}`);
        }
      }
      client.destroy();
      expect(wrong).toEqual([]);
      expect(refused.length + passed.length).toBe(commands.length);
      // Every package has both kinds (e.g. Personalize: ListCampaigns and DeleteCampaign), but the runtime: reads only.
      if (ONLY_READS.includes(name)) expect(refused).toEqual([]);
      else expect(refused.length).toBeGreaterThan(0);
      expect(passed.length).toBeGreaterThan(0);
      // Only the reads were sent: one request each.
      expect(sent).toHaveLength(passed.length);
    });
  });

  it('classifies operation names by whole verbs, and the known read-named writes as writes', () => {
    expect(isReadOperation('ListCampaigns')).toBe(true);
    expect(isReadOperation('DescribeCampaignCommand')).toBe(true);
    expect(isReadOperation('GetMetricData')).toBe(true);
    expect(isReadOperation('Getaway')).toBe(false);
    expect(isReadOperation('Listen')).toBe(false);
    expect(isReadOperation('DeleteCampaign')).toBe(false);
    expect(isReadOperation('BatchGetItem')).toBe(false);
    expect(isReadOperation('')).toBe(false);
    for (const op of NOT_READS) expect(isReadOperation(op)).toBe(false);
    expect(isReadOperation('GetActivityTask')).toBe(false);
  });

  it('readOnlyClients guards every client a factory makes, once', async () => {
    const sent: string[] = [];
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const personalize = sdk('@aws-sdk/client-personalize');
    const inner = recordingClient(personalize.Client, sent);
    const factory = { personalize: () => inner } as unknown as Clients;
    const guarded = readOnlyClients(factory);
    const client = guarded.personalize('us-east-1') as unknown as SdkClient;
    expect(readOnlyClients(factory).personalize('us-east-1')).toBe(client);
    expect(client.middlewareStack.identify().filter((m) => m.startsWith(READ_ONLY_MIDDLEWARE))).toHaveLength(1);
    const Delete = personalize.commands.find(([n]) => n === 'DeleteCampaignCommand')![1];
    await expect(client.send(new Delete({ campaignArn: 'arn:aws:personalize:us-east-1:123456789012:campaign/x' }))).rejects.toThrow(WriteRefusedError);
    expect(sent).toEqual([]);
    inner.destroy();
  });
});
