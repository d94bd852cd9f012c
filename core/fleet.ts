/**
 * Fleet fingerprint: a change means the dashboard must be rebuilt.
 */
import type { MonitoredResource } from './types';
import { shortHash } from './arn';
import { normalizeStatus } from './status';

const FINGERPRINT_LENGTH = 16;

/**
 * Stable hash of the fleet's (ARN, minimum, status) triples, independent of order: changes when
 * a resource appears or goes away, or its minimum or status changes.
 */
export function fleetFingerprint(resources: Pick<MonitoredResource, 'arn' | 'minCapacity' | 'status'>[]): string {
  const lines = resources.map((r) => `${r.arn}\t${r.minCapacity}\t${normalizeStatus(r.status)}`).sort();
  return shortHash(lines.join('\n'), FINGERPRINT_LENGTH);
}
