/**
 * The `backend` deploy key: validation (file and PM_BACKEND as a JSON string) and the backend
 * block it renders in cdk.tf.json.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ConfigError, loadDeployConfig } from '../config/load';
import { synth } from './support/synth';

const BASE_ENV = { AWS_REGION: 'us-east-1', PM_NOTIFICATION_ENDPOINT: 'ops@example.com' };
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pm-backend-'));
const empty = path.join(tmp, 'empty.json');
fs.writeFileSync(empty, '{}');

const load = (env: Record<string, string>) => loadDeployConfig({ env: { PM_CONFIG_FILE: empty, ...BASE_ENV, ...env } });
function loadError(env: Record<string, string>): string {
  try {
    load(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a ConfigError');
}
const withBackend = (backend: unknown) => loadError({ PM_BACKEND: JSON.stringify(backend) });
const S3 = { type: 's3', bucket: 'acme-tf-state', key: 'personalize-monitor/terraform.tfstate', region: 'eu-west-1' };

describe('backend: defaults and accepted values', () => {
  it('defaults to a local state file at the checkout root, by a path relative to the stack directory', () => {
    expect(load({}).backend).toEqual({ type: 'local', path: '../../../terraform.personalize-monitor.tfstate' });
    expect(load({ PM_STACK_NAME: 'pm-b' }).backend).toEqual({ type: 'local', path: '../../../terraform.pm-b.tfstate' });
  });

  it('reads PM_BACKEND as a JSON object', () => {
    expect(load({ PM_BACKEND: JSON.stringify({ ...S3, useLockfile: true }) }).backend).toEqual({ ...S3, useLockfile: true });
    expect(load({ PM_BACKEND: '{"type":"local","path":"state/pm.tfstate"}' }).backend).toEqual({ type: 'local', path: 'state/pm.tfstate' });
  });

  it('reads backend from the config file, as an object', () => {
    const file = path.join(tmp, 'with-backend.json');
    fs.writeFileSync(file, JSON.stringify({ backend: { ...S3, dynamodbTable: 'tf-locks' } }));
    expect(loadDeployConfig({ env: { ...BASE_ENV, PM_CONFIG_FILE: file } }).backend).toEqual({ ...S3, dynamodbTable: 'tf-locks' });
  });
});

describe('backend: every bad value is an error naming the field and the source', () => {
  it.each([
    [{ ...S3, type: 'gcs' }, 'backend.type: expected "local" or "s3", got "gcs"'],
    [{ bucket: 'x' }, 'backend.type: expected "local" or "s3", got nothing'],
    [{ ...S3, useLockfile: true, bucket: 'Acme_State' }, 'backend.bucket: expected an S3 bucket name'],
    [{ ...S3, useLockfile: true, bucket: undefined }, 'backend.bucket: expected a string, got nothing'],
    [{ ...S3, useLockfile: true, key: '/state' }, 'backend.key: must not start or end with "/"'],
    [{ ...S3, useLockfile: true, key: '' }, 'backend.key: expected an S3 object key of 1 to 1024 characters'],
    [{ ...S3, useLockfile: true, region: 'europe' }, 'backend.region: expected an AWS region such as us-east-1, got "europe"'],
    [{ ...S3, useLockfile: 'yes' }, 'backend.useLockfile: expected true or false, got "yes"'],
    [{ ...S3, dynamodbTable: 'x' }, 'backend.dynamodbTable: expected a DynamoDB table name'],
    [S3, 'backend: an s3 backend needs a state lock'],
    [{ ...S3, useLockfile: false }, 'backend: an s3 backend needs a state lock'],
    [{ ...S3, useLockfile: true, encrypt: false }, 'backend: unknown field(s) "encrypt" for a s3 backend'],
    [{ type: 'local', path: 'x', bucket: 'b' }, 'backend: unknown field(s) "bucket" for a local backend'],
    [{ type: 'local', path: '' }, 'backend.path: expected a state file path, got an empty string'],
    [{ type: 'local', path: 'state/' }, 'backend.path: expected a file path, got the directory "state/"'],
    [{ type: 'local' }, 'backend.path: expected a string, got nothing'],
    [{ type: 'local', path: '${path.root}/x.tfstate' }, 'backend.path: must not contain "${" or "%{" (a backend block allows no Terraform expressions)'],
    [{ ...S3, useLockfile: true, key: 'pm/%{x}' }, 'backend.key: must not contain "${" or "%{"'],
  ])('%j', (backend, message) => {
    const error = withBackend(backend);
    expect(error).toContain(message);
    expect(error).toContain('(from env PM_BACKEND=');
  });

  it('PM_BACKEND that is not JSON, or not an object, is an error naming it', () => {
    expect(loadError({ PM_BACKEND: 's3' })).toMatch(/backend: is not valid JSON \(.*\); expected a JSON object .* \(from env PM_BACKEND="s3"\)/);
    expect(loadError({ PM_BACKEND: '[1]' })).toContain('backend: expected a JSON object');
    expect(loadError({ PM_BACKEND: ' ' })).toContain('backend: PM_BACKEND is empty');
  });

  it('a config file value that is not an object is an error naming the file', () => {
    const file = path.join(tmp, 'bad-backend.json');
    fs.writeFileSync(file, JSON.stringify({ backend: 5 }));
    expect(() => loadDeployConfig({ env: { ...BASE_ENV, PM_CONFIG_FILE: file } })).toThrow(/backend: expected a JSON object .*got 5 \(from file .*bad-backend\.json\)/);
  });
});

describe('backend block of cdk.tf.json', () => {
  it('default: local, with a relative path and no absolute path of the checkout anywhere', () => {
    const { tf, text } = synth();
    expect(tf.terraform.backend).toEqual({ local: { path: '../../../terraform.pm-test.tfstate' } });
    expect(text).not.toContain(process.cwd());
  });

  it('local with a configured path', () => {
    const { tf } = synth({ PM_BACKEND: '{"type":"local","path":"state/pm.tfstate"}' });
    expect(tf.terraform.backend).toEqual({ local: { path: 'state/pm.tfstate' } });
  });

  it('s3 with S3 native locking: use_lockfile, no dynamodb_table', () => {
    const { tf } = synth({ PM_BACKEND: JSON.stringify({ ...S3, useLockfile: true }) });
    expect(tf.terraform.backend).toEqual({
      s3: { bucket: 'acme-tf-state', key: 'personalize-monitor/terraform.tfstate', region: 'eu-west-1', encrypt: true, use_lockfile: true },
    });
  });

  it('s3 with a DynamoDB lock table: dynamodb_table, no use_lockfile', () => {
    const { tf } = synth({ PM_BACKEND: JSON.stringify({ ...S3, dynamodbTable: 'tf-locks' }) });
    expect(tf.terraform.backend).toEqual({
      s3: { bucket: 'acme-tf-state', key: 'personalize-monitor/terraform.tfstate', region: 'eu-west-1', encrypt: true, dynamodb_table: 'tf-locks' },
    });
  });

  it('the backend adds no resource: the state bucket and lock table must exist before terraform init', () => {
    const local = synth().tf;
    const s3 = synth({ PM_BACKEND: JSON.stringify({ ...S3, useLockfile: true, dynamodbTable: 'tf-locks' }) }).tf;
    expect(Object.keys(s3.resource).sort()).toEqual(Object.keys(local.resource).sort());
    expect(s3.resource.aws_s3_bucket).toBeUndefined();
  });
});
