import { consoleHost, parseArn, shortHash } from '../core/arn';

describe('parseArn', () => {
  it.each([
    ['aws', 'arn:aws:personalize:eu-west-1:123456789012:campaign/shop-recs', 'eu-west-1'],
    ['aws-cn', 'arn:aws-cn:personalize:cn-north-1:123456789012:campaign/shop-recs', 'cn-north-1'],
    ['aws-us-gov', 'arn:aws-us-gov:personalize:us-gov-west-1:123456789012:campaign/shop-recs', 'us-gov-west-1'],
  ])('reads every part of a %s ARN', (partition, arn, region) => {
    const parsed = parseArn(arn);

    expect(parsed).toEqual({
      partition,
      service: 'personalize',
      region,
      accountId: '123456789012',
      resource: 'campaign/shop-recs',
      resourceType: 'campaign',
      resourceName: 'shop-recs',
    });
  });

  it('keeps colons inside the resource', () => {
    const parsed = parseArn('arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/x:*');

    expect(parsed.resourceType).toBe('log-group');
    expect(parsed.resourceName).toBe('/aws/lambda/x:*');
  });

  it('accepts resources without a type (global services have no region)', () => {
    const parsed = parseArn('arn:aws:s3:::my-bucket');

    expect(parsed).toMatchObject({ region: '', accountId: '', resourceType: '', resourceName: 'my-bucket' });
  });

  it.each([
    ['not-an-arn'],
    ['arn:aws:personalize:eu-west-1:123456789012'],
    ['arn:azure:personalize:eu-west-1:123456789012:campaign/x'],
    ['arn:aws::eu-west-1:123456789012:campaign/x'],
    ['arn:aws:personalize:eu-west-1:123456789012:'],
  ])('rejects %s and names it', (bad) => {
    expect(() => parseArn(bad)).toThrow(bad);
  });
});

describe('consoleHost', () => {
  it('uses the regional console host in the commercial partition', () => {
    expect(consoleHost('aws', 'eu-west-1')).toBe('https://eu-west-1.console.aws.amazon.com');
  });

  it('uses the China and GovCloud console hosts', () => {
    expect(consoleHost('aws-cn', 'cn-north-1')).toBe('https://console.amazonaws.cn');
    expect(consoleHost('aws-us-gov', 'us-gov-west-1')).toBe('https://console.amazonaws-us-gov.com');
  });

  it('refuses a partition it does not know rather than linking to the wrong console', () => {
    expect(() => consoleHost('aws-iso', 'us-iso-east-1')).toThrow('aws-iso');
  });
});

describe('shortHash', () => {
  it('is stable, hex and of the requested length', () => {
    expect(shortHash('abc')).toBe('ba7816bf'); // sha256("abc") starts ba7816bf
    expect(shortHash('abc', 16)).toHaveLength(16);
    expect(shortHash('abc', 16)).toMatch(/^[0-9a-f]+$/);
  });

  it('differs for different input', () => {
    expect(shortHash('arn:a')).not.toBe(shortHash('arn:b'));
  });

  it('rejects impossible lengths', () => {
    expect(() => shortHash('x', 0)).toThrow('length');
    expect(() => shortHash('x', 65)).toThrow('length');
  });
});
