/** The semver shim bundled in place of `semver` behaves like semver.gte for the versions the X-Ray SDK compares. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const shim: { gte(a: string, b: string): boolean } = require('../infra/bundle-shims/semver.js');

describe('semver shim', () => {
  it.each([
    ['2.7.15', '2.7.15', true],
    ['2.7.16', '2.7.15', true],
    ['2.8.0', '2.7.15', true],
    ['3.0.0', '2.7.15', true],
    ['2.7.14', '2.7.15', false],
    ['2.6.99', '2.7.15', false],
    ['1.99.99', '2.7.15', false],
    ['v2.10.0', '2.7.15', true],
  ])('gte(%s, %s) = %s', (a, b, expected) => expect(shim.gte(a, b)).toBe(expected));

  it('refuses what is not a version', () => {
    expect(() => shim.gte('latest', '2.7.15')).toThrow(/Invalid Version/);
  });
});
