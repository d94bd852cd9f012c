'use strict';
/**
 * Bundle shim for `semver`. The only bundled user is aws-xray-sdk-core (via Powertools Tracer),
 * which calls `semver.gte(version, '2.7.15')` to patch the AWS SDK v2; the full package is 25 KiB
 * of every bundle. This implements exactly `gte` over `major.minor.patch` (prerelease tags ignored,
 * which only matters for SDK v2 prereleases we never load). Tested in __tests__/bundle-shims.test.ts.
 */
function parts(v) {
  const m = /^v?(\d+)\.(\d+)\.(\d+)/.exec(String(v).trim());
  if (!m) throw new TypeError(`Invalid Version: ${v}`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}
function gte(a, b) {
  const x = parts(a);
  const y = parts(b);
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i] > y[i];
  return true;
}
module.exports = { gte };
