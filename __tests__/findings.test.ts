import { buildFinding, rankFindings } from '../core/findings';
import { MAX_SUBJECT_LENGTH } from '../core/sns-text';
import { evaluateIdle } from '../core/idle';
import { evaluateOverProvisioned } from '../core/capacity';
import type { Finding, FindingEvidence, MonitoredResource } from '../core/types';
import { behaviour, campaign, NOT_EXEMPT, NOW, recommender, traffic } from './support/core-fixtures';

/** A Finding travels through the state machine: keep each one small. */
// 1.75 KB: the finding carries its ACTION name too; collect also caps a region's findings by bytes.
const MAX_FINDING_BYTES = 1792;
/** Longest name and ARN Personalize allows, largest numbers: still well inside the payload budget. */
const MAX_WORST_CASE_FINDING_BYTES = 2048;

function idleFinding(resource: MonitoredResource, overrides = {}): Finding {
  const b = behaviour({ autoDeleteOrStopIdleResources: true, ...overrides });
  const decision = evaluateIdle({ resource, traffic: traffic(b, () => 0), behaviour: b, now: NOW, exemption: NOT_EXEMPT });
  if (!decision.idle) throw new Error(`fixture not idle: ${decision.reason}`);
  return buildFinding('idle', resource, decision.evidence, b);
}

function capacityFinding(resource: MonitoredResource, overrides = {}): Finding {
  const b = behaviour({ autoAdjustMinTps: true, ...overrides });
  const decision = evaluateOverProvisioned({ resource, traffic: traffic(b, () => 2 * 3600), behaviour: b, now: NOW, exemption: NOT_EXEMPT });
  if (!decision.overProvisioned) throw new Error(`fixture not over-provisioned: ${decision.reason}`);
  return buildFinding('overProvisioned', resource, decision.evidence, b);
}

describe('buildFinding', () => {
  it('an idle campaign is deleted with the original DeletePersonalizeCampaign event', () => {
    const f = idleFinding(campaign());

    expect(f).toMatchObject({ kind: 'idle', action: 'delete', actionEnabled: true, dryRun: false, resourceType: 'campaign' });
    expect(f.event.detailType).toBe('DeletePersonalizeCampaign');
    expect(Object.keys(f.event.detail)).toEqual([
      'ARN',
      'Utilization',
      'AgeHours',
      'IdleThresholdHours',
      'TotalRequestsDuringIdleThresholdHours',
      'Reason',
      'Evidence',
    ]);
    expect(f.event.detail).toMatchObject({
      ARN: campaign().arn,
      Utilization: 0,
      IdleThresholdHours: 24,
      TotalRequestsDuringIdleThresholdHours: 0,
      Reason: f.reason,
      Evidence: { Region: 'eu-west-1', DryRun: false, MonthlyWasteUsd: 146 },
    });
  });

  it('an idle recommender is stopped, never deleted', () => {
    const f = idleFinding(recommender());

    expect(f.action).toBe('stop');
    expect(f.event.detailType).toBe('StopPersonalizeRecommender');
  });

  it('an over-provisioned campaign gets the original update event fields', () => {
    const f = capacityFinding(campaign({ minCapacity: 10 }));

    expect(f).toMatchObject({ kind: 'overProvisioned', action: 'setMinCapacity', actionEnabled: true });
    expect(f.event.detailType).toBe('UpdatePersonalizeCampaignMinProvisionedTPS');
    expect(f.event.detail).toMatchObject({ ARN: campaign().arn, NewMinTPS: 2, CurrentMinTPS: 10, MinAverageTPS: 2, MaxAverageTPS: 2, Datapoints: 336 });
    expect(f.event.detail.Reason).toEqual(expect.stringContaining("minimum 10 -> 2"));
  });

  it('an over-provisioned recommender uses its own detail-type and still NewMinTPS', () => {
    const f = capacityFinding(recommender({ minCapacity: 4 }));

    expect(f.event.detailType).toBe('UpdatePersonalizeRecommenderMinRecommendationRPS');
    expect(f.event.detail.NewMinTPS).toBe(2);
  });

  it('follows the switches: idle → AutoDeleteOrStopIdleResources, capacity → AutoAdjustMinTPS', () => {
    const idle = idleFinding(campaign(), { autoDeleteOrStopIdleResources: false });
    const capacity = capacityFinding(campaign({ minCapacity: 10 }), { autoAdjustMinTps: false });

    expect(idle.actionEnabled).toBe(false);
    expect(idle.notification.subject).toMatch(/report only$/);
    expect(idle.notification.message).toContain('Report only: AutoDeleteOrStopIdleResources is off.');
    expect(capacity.actionEnabled).toBe(false);
  });

  it('writes a subject that says what and where', () => {
    expect(idleFinding(campaign()).notification.subject).toBe('[Personalize Monitor] Idle campaign shop-recs in eu-west-1: delete requested');
    expect(idleFinding(campaign(), { dryRun: true }).notification.subject).toBe(
      '[dry-run] [Personalize Monitor] Idle campaign shop-recs in eu-west-1: would delete',
    );
    expect(capacityFinding(campaign({ minCapacity: 10 })).notification.subject).toBe(
      '[Personalize Monitor] Over-provisioned campaign shop-recs in eu-west-1: set min 10 -> 2 requested',
    );
  });

  it('writes a plain-text message with resource, region, reason, evidence and saving', () => {
    const f = idleFinding(campaign());

    expect(f.notification.message).toContain(campaign().arn);
    expect(f.notification.message).toContain('eu-west-1');
    expect(f.notification.message).toContain(f.reason);
    expect(f.notification.message).toContain('Estimated saving: $146.00 a month.');
    expect(f.notification.message.split('\n').length).toBeGreaterThanOrEqual(4);
  });

  it('keeps a typical finding under 1.75 KB (it travels through the state machine)', () => {
    const typical = recommender({
      arn: 'arn:aws:personalize:eu-central-1:123456789012:recommender/home-feed-personalized',
      name: 'home-feed-personalized',
      region: 'eu-central-1',
      minCapacity: 20,
    });

    for (const f of [idleFinding(typical), capacityFinding(typical), idleFinding(typical, { dryRun: true, autoDeleteOrStopIdleResources: false })]) {
      expect(Buffer.byteLength(JSON.stringify(f))).toBeLessThan(MAX_FINDING_BYTES);
    }
  });

  it('keeps the worst case (63-character name, GovCloud ARN, 5-digit minimum, dry-run) under 2 KB and the subject limits', () => {
    const name = 'n'.repeat(63);
    const arn = `arn:aws-us-gov:personalize:us-gov-west-1:123456789012:recommender/${name}`;
    const big = recommender({ arn, name, region: 'us-gov-west-1', partition: 'aws-us-gov', minCapacity: 10000 });

    for (const f of [idleFinding(big, { dryRun: true }), capacityFinding(big, { dryRun: true })]) {
      expect(Buffer.byteLength(JSON.stringify(f))).toBeLessThan(MAX_WORST_CASE_FINDING_BYTES);
      expect(f.notification.subject.length).toBeLessThanOrEqual(MAX_SUBJECT_LENGTH);
      expect(f.notification.subject).toMatch(/^\[dry-run\] \[Personalize Monitor\] (Idle|Over-provisioned) recommender n+\.\.\./);
      expect(f.notification.subject).toMatch(/^[\x20-\x7e]+$/);
    }
  });

  it('never puts non-ASCII into the subject', () => {
    const f = idleFinding(campaign({ name: 'caf\u00e9-recs' }));

    expect(f.notification.subject).toContain('caf?-recs');
  });
});

describe('rankFindings', () => {
  const evidence = (monthlyWasteUsd: number): FindingEvidence => ({ ...idleFinding(campaign()).evidence, monthlyWasteUsd });
  const finding = (arn: string, waste: number): Finding => ({ ...idleFinding(campaign()), resourceArn: arn, evidence: evidence(waste) });

  it('keeps the most wasteful first, ties by ARN, and defers the rest', () => {
    const all = [finding('arn:c', 10), finding('arn:b', 500), finding('arn:a', 10), finding('arn:d', 1)];

    const { kept, deferred } = rankFindings(all, 2);

    expect(kept.map((f) => f.resourceArn)).toEqual(['arn:b', 'arn:a']);
    expect(deferred.map((f) => f.resourceArn)).toEqual(['arn:c', 'arn:d']);
  });
});

describe('ACTION execution names', () => {
  it('the same finding twice gets the same name, valid for Step Functions', () => {
    const a = idleFinding(campaign());
    const b = idleFinding(campaign());
    expect(a.actionName).toBe(b.actionName);
    expect(a.actionName).toMatch(/^delete-[0-9a-f]{16}-[0-9a-f]{12}$/);
    expect(a.actionName.length).toBeLessThanOrEqual(80);
  });

  it('another resource, another proposal or a changed resource gets another name', () => {
    const base = capacityFinding(campaign({ minCapacity: 10 }));
    expect(capacityFinding(campaign({ minCapacity: 12 })).actionName).not.toBe(base.actionName);
    expect(capacityFinding(campaign({ minCapacity: 10, lastUpdatedAt: Date.parse('2025-01-01T00:00:00Z') })).actionName).not.toBe(base.actionName);
    expect(idleFinding(recommender()).actionName).not.toBe(idleFinding(campaign()).actionName);
  });
});
