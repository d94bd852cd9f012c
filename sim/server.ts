/**
 * HTTP front of a SimAccount on 127.0.0.1, speaking the wire protocols of the installed SDK
 * clients: AWS JSON 1.0/1.1 selected by `X-Amz-Target` (Personalize, CloudWatch with
 * awsQueryCompatible, Step Functions, EventBridge, DynamoDB), restJson1 by path (the Personalize
 * runtime: POST /recommendations, /personalize-ranking) and the query protocol (SNS, CloudFormation).
 * The region comes from the SigV4 credential scope; signatures are not checked.
 * Point SDK clients (or unmodified Lambda bundles) at it with `AWS_ENDPOINT_URL=<url>`.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import type { SimAccount, ServiceName } from './account';
import { CLOUDFORMATION_XMLNS, decodeCloudFormationForm } from './cloudformation';
import { SimError } from './errors';
import { PERSONALIZE_RUNTIME_ROUTES } from './personalize-runtime';
import { queryErrorXml, queryResultXml } from './query-xml';
import { deterministicUuid } from './util';

/** JSON protocol services by `X-Amz-Target` prefix. */
const JSON_TARGETS: Record<string, { service: ServiceName; version: '1.0' | '1.1' }> = {
  AmazonPersonalize: { service: 'personalize', version: '1.1' },
  GraniteServiceVersion20100801: { service: 'cloudwatch', version: '1.0' },
  AWSStepFunctions: { service: 'sfn', version: '1.0' },
  AWSEvents: { service: 'events', version: '1.1' },
  DynamoDB_20120810: { service: 'dynamodb', version: '1.0' },
};
const SNS_XMLNS = 'http://sns.amazonaws.com/doc/2010-03-31/';
/** Query protocol services by the credential scope's service: namespace and form decoder. */
const QUERY_SERVICES: Record<'sns' | 'cloudformation', { xmlns: string; decode: (form: URLSearchParams) => Record<string, unknown> }> = {
  sns: { xmlns: SNS_XMLNS, decode: decodeSnsForm },
  cloudformation: { xmlns: CLOUDFORMATION_XMLNS, decode: decodeCloudFormationForm },
};
/** Largest request body accepted (SNS/EventBridge payloads are ≤ 256 KiB; leave headroom). */
const MAX_BODY_BYTES = 8 * 1024 * 1024;

export interface SimServerOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Loopback only by default. */
  host?: string;
}

export interface SimServer {
  /** e.g. `http://127.0.0.1:41234` – use as AWS_ENDPOINT_URL. */
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Start serving `account`; resolves once listening. */
export async function startSimServer(account: SimAccount, options: SimServerOptions = {}): Promise<SimServer> {
  let requestCounter = 0;
  const server: Server = createServer((req, res) => {
    const requestId = deterministicUuid(account.seed ^ 0x7e9, requestCounter++);
    handle(account, req, res, requestId).catch((e: unknown) => {
      send(res, 500, { 'content-type': 'application/json' }, JSON.stringify({ __type: 'InternalFailure', message: `simulator error: ${(e as Error)?.message ?? e}` }));
    });
  });
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        // SDK clients keep connections alive; do not wait for them to idle out.
        server.closeAllConnections();
      }),
  };
}

async function handle(account: SimAccount, req: IncomingMessage, res: ServerResponse, requestId: string): Promise<void> {
  const raw = await readBody(req);
  // PutMetricData bodies over 10 KiB arrive gzip-compressed (the operation's requestCompression trait).
  const body = /gzip/i.test(header(req, 'content-encoding') ?? '') ? gunzipSync(raw) : raw;
  const url = new URL(req.url ?? '/', 'http://sim');
  if (req.method === 'GET' && url.pathname.startsWith('/__sim/')) return admin(account, url, res);

  const scope = credentialScope(header(req, 'authorization'));
  const region = scope?.region ?? account.defaultRegion;
  const caller = callerOf(req);
  const target = header(req, 'x-amz-target');

  if (target) {
    const [prefix, operation] = target.split('.');
    const svc = JSON_TARGETS[prefix];
    const contentType = `application/x-amz-json-${svc?.version ?? '1.0'}`;
    if (!svc || !operation) {
      return sendJsonError(res, contentType, requestId, new SimError('UnknownOperationException', `unknown X-Amz-Target ${target}`), false);
    }
    let input: Record<string, unknown>;
    try {
      input = body.length === 0 ? {} : (JSON.parse(body.toString('utf8')) as Record<string, unknown>);
      if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new Error('not an object');
    } catch {
      return sendJsonError(res, contentType, requestId, new SimError('SerializationException', 'request body is not a JSON object'), svc.service === 'cloudwatch');
    }
    try {
      const output = await account.invoke(svc.service, operation, input, { region, caller });
      return send(res, 200, { 'content-type': contentType, 'x-amzn-requestid': requestId }, JSON.stringify(output ?? {}));
    } catch (e) {
      return sendJsonError(res, contentType, requestId, asSimError(e), svc.service === 'cloudwatch');
    }
  }

  // restJson1 (no X-Amz-Target, the operation in the path): the Personalize runtime, signed as `personalize`.
  const runtimeOperation = req.method === 'POST' ? PERSONALIZE_RUNTIME_ROUTES[url.pathname] : undefined;
  if (runtimeOperation && Object.prototype.hasOwnProperty.call(PERSONALIZE_RUNTIME_ROUTES, url.pathname)) {
    let input: Record<string, unknown>;
    try {
      input = body.length === 0 ? {} : (JSON.parse(body.toString('utf8')) as Record<string, unknown>);
      if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new Error('not an object');
    } catch {
      return sendRestJsonError(res, requestId, new SimError('SerializationException', 'request body is not a JSON object'));
    }
    try {
      const output = await account.invoke('personalize-runtime', runtimeOperation, input, { region, caller });
      return send(res, 200, { 'content-type': 'application/json', 'x-amzn-requestid': requestId }, JSON.stringify(output ?? {}));
    } catch (e) {
      return sendRestJsonError(res, requestId, asSimError(e));
    }
  }

  // Query protocol (form-encoded Action=...): SNS, and CloudFormation (by the credential scope's service).
  const form = new URLSearchParams(body.toString('utf8'));
  const action = form.get('Action');
  // No credential scope: SNS, as before CloudFormation was simulated.
  const service = scope?.service ?? 'sns';
  if (!action || (service !== 'sns' && service !== 'cloudformation')) {
    return sendQueryError(res, requestId, new SimError('InvalidAction', `query protocol is simulated for SNS and CloudFormation only (service ${scope?.service ?? 'unknown'}, action ${action ?? 'none'})`));
  }
  const q = QUERY_SERVICES[service];
  try {
    const output = await account.invoke(service, action, q.decode(form), { region, caller });
    return send(res, 200, { 'content-type': 'text/xml', 'x-amzn-requestid': requestId }, queryResultXml(q.xmlns, action, output as Record<string, unknown>, requestId));
  } catch (e) {
    return sendQueryError(res, requestId, asSimError(e), q.xmlns);
  }
}

/** Read-only views for out-of-process callers (benchmarks, the demo). */
function admin(account: SimAccount, url: URL, res: ServerResponse): void {
  if (url.pathname === '/__sim/health') return send(res, 200, { 'content-type': 'application/json' }, JSON.stringify({ ok: true, now: account.clock.now() }));
  if (url.pathname === '/__sim/calls') {
    const q = url.searchParams;
    const calls = account.calls({
      service: (q.get('service') ?? undefined) as ServiceName | undefined,
      operation: q.get('operation') ?? undefined,
      region: q.get('region') ?? undefined,
      caller: q.get('caller') ?? undefined,
    });
    return send(res, 200, { 'content-type': 'application/json' }, JSON.stringify(calls));
  }
  return send(res, 404, { 'content-type': 'application/json' }, JSON.stringify({ message: `no such admin path ${url.pathname}` }));
}

function asSimError(e: unknown): SimError {
  if (e instanceof SimError) return e;
  return new SimError('InternalFailure', `simulator error: ${(e as Error)?.message ?? String(e)}`, { status: 500 });
}

function sendJsonError(res: ServerResponse, contentType: string, requestId: string, e: SimError, queryCompatible: boolean): void {
  const headers: Record<string, string> = { 'content-type': contentType, 'x-amzn-requestid': requestId };
  // awsQueryCompatible clients read the query error code from this header.
  if (queryCompatible) headers['x-amzn-query-error'] = `${e.queryCode};${e.faultType}`;
  send(res, e.status, headers, JSON.stringify({ __type: e.code, message: e.message, ...e.fields }));
}

/** restJson1 error: the code in `x-amzn-errortype` (and the body), the status as the HTTP status. */
function sendRestJsonError(res: ServerResponse, requestId: string, e: SimError): void {
  send(res, e.status, { 'content-type': 'application/json', 'x-amzn-requestid': requestId, 'x-amzn-errortype': e.code }, JSON.stringify({ message: e.message, ...e.fields }));
}

function sendQueryError(res: ServerResponse, requestId: string, e: SimError, xmlns = SNS_XMLNS): void {
  send(res, e.status, { 'content-type': 'text/xml', 'x-amzn-requestid': requestId }, queryErrorXml(xmlns, e, requestId));
}

function send(res: ServerResponse, status: number, headers: Record<string, string>, body: string): void {
  res.writeHead(status, { ...headers, 'content-length': String(Buffer.byteLength(body)) });
  res.end(body);
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error(`request body larger than ${MAX_BODY_BYTES} bytes`));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** Region and service from `Credential=AKID/20250101/us-east-1/personalize/aws4_request`. */
export function credentialScope(authorization: string | undefined): { region: string; service: string } | undefined {
  const m = /Credential=[^/,\s]+\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/.exec(authorization ?? '');
  return m ? { region: m[1], service: m[2] } : undefined;
}

/** Caller label: `x-sim-caller` header, else the SDK user agent's `app/<id>` (AWS_SDK_UA_APP_ID). */
function callerOf(req: IncomingMessage): string {
  const explicit = header(req, 'x-sim-caller');
  if (explicit) return explicit;
  const ua = `${header(req, 'x-amz-user-agent') ?? ''} ${header(req, 'user-agent') ?? ''}`;
  const app = /(?:^|\s)app\/([^\s]+)/.exec(ua);
  return app ? decodeURIComponent(app[1]) : 'unknown';
}

/** SNS form → input: plain members plus MessageAttributes / Attributes maps and Tags. */
function decodeSnsForm(form: URLSearchParams): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  const messageAttributes: Record<string, Record<string, string>> = {};
  const entries = new Map<string, Record<string, string>>();
  const attributes: Record<string, string> = {};
  const tags = new Map<string, { Key?: string; Value?: string }>();
  for (const [key, value] of form) {
    let m = /^MessageAttributes\.entry\.(\d+)\.(Name|Value\.DataType|Value\.StringValue|Value\.BinaryValue)$/.exec(key);
    if (m) {
      const e = entries.get(m[1]) ?? {};
      e[m[2]] = value;
      entries.set(m[1], e);
      continue;
    }
    m = /^Attributes\.entry\.(\d+)\.(key|value)$/.exec(key);
    if (m) {
      const e = entries.get(`attr${m[1]}`) ?? {};
      e[m[2]] = value;
      entries.set(`attr${m[1]}`, e);
      continue;
    }
    m = /^Tags\.member\.(\d+)\.(Key|Value)$/.exec(key);
    if (m) {
      const t = tags.get(m[1]) ?? {};
      t[m[2] as 'Key' | 'Value'] = value;
      tags.set(m[1], t);
      continue;
    }
    if (key !== 'Action' && key !== 'Version') input[key] = value;
  }
  for (const [id, e] of entries) {
    if (id.startsWith('attr')) {
      if (e.key !== undefined) attributes[e.key] = e.value ?? '';
    } else if (e.Name !== undefined) {
      messageAttributes[e.Name] = { DataType: e['Value.DataType'], ...(e['Value.StringValue'] !== undefined ? { StringValue: e['Value.StringValue'] } : {}) };
    }
  }
  if (Object.keys(messageAttributes).length > 0) input.MessageAttributes = messageAttributes;
  if (Object.keys(attributes).length > 0) input.Attributes = attributes;
  if (tags.size > 0) input.Tags = [...tags.values()];
  return input;
}
