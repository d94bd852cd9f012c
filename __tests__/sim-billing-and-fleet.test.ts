/**
 * The Personalize bill of the simulated account follows the pricing rules for a known fleet,
 * and the demo fleet is realistic, mixed and deterministic by seed.
 */
import { DAY_MS, HOUR_MS, MINUTE_MS, SimAccount, demoFleet, traffic, FLEET_PROFILES } from '../sim';

const REGION = 'us-east-1';

describe('bill for a known fleet over one day', () => {
  const account = new SimAccount({ prices: { campaignTpsHour: 0.2, recommenderRpsHour: 0.5 }, durations: { pendingMs: MINUTE_MS, updateCampaignMs: 10 * MINUTE_MS } });
  const day = account.clock.now();
  const created = day - 30 * DAY_MS;
  const idle = account.personalize.createCampaign({ region: REGION, name: 'idle', minProvisionedTPS: 5, createdAt: created });
  const busy = account.personalize.createCampaign({ region: REGION, name: 'busy', minProvisionedTPS: 2, createdAt: created, traffic: traffic.constant(10) });
  const burst = account.personalize.createCampaign({
    region: REGION,
    name: 'burst',
    minProvisionedTPS: 1,
    createdAt: created,
    traffic: traffic.switchAt(day + 10 * HOUR_MS, traffic.idle(), traffic.switchAt(day + 10 * HOUR_MS + 5 * MINUTE_MS, traffic.constant(20), traffic.idle())),
  });
  const updated = account.personalize.createCampaign({ region: REGION, name: 'updated', minProvisionedTPS: 10, createdAt: created });
  const deleted = account.personalize.createCampaign({ region: REGION, name: 'deleted', minProvisionedTPS: 4, createdAt: created });
  const stopped = account.personalize.createRecommender({ region: REGION, name: 'stopped', minRecommendationRequestsPerSecond: 3, createdAt: created, traffic: traffic.constant(1) });
  account.personalize.updateCampaign(updated, { minProvisionedTPS: 2 });
  account.clock.set(day + 6 * HOUR_MS);
  account.personalize.stopRecommender(stopped);
  account.clock.set(day + 12 * HOUR_MS);
  account.personalize.delete(deleted, 'campaign');

  const bill = account.bill(day, day + DAY_MS);
  const cost = (arn: string) => bill.resources.find((r) => r.arn === arn)!.cost;

  it('bills an idle campaign on its minimum: 5 TPS × 24 h × $0.20', () => {
    expect(cost(idle)).toBeCloseTo(24, 6);
  });

  it('bills actual traffic when it is above the minimum: 10 TPS × 24 h × $0.20', () => {
    expect(cost(busy)).toBeCloseTo(48, 6);
  });

  it('bills a 5-minute burst on its own window only', () => {
    expect(cost(burst)).toBeCloseTo((1 * (24 - 1 / 12) + 20 * (1 / 12)) * 0.2, 6);
  });

  it('bills the old minimum until the update completes, the new one after', () => {
    const switchH = 11 / 60;
    expect(cost(updated)).toBeCloseTo((10 * switchH + 2 * (24 - switchH)) * 0.2, 6);
  });

  it('stops billing when a campaign is deleted and when a recommender is stopped', () => {
    expect(cost(deleted)).toBeCloseTo(4 * 12 * 0.2, 6);
    expect(cost(stopped)).toBeCloseTo(3 * 6 * 0.5, 6);
  });

  it('adds up to the total', () => {
    expect(bill.total).toBeCloseTo(bill.resources.reduce((s, r) => s + r.cost, 0), 6);
    expect(account.bill(day, day + DAY_MS, { arn: idle }).resources).toHaveLength(1);
  });
});

describe('demo fleet', () => {
  it('covers every profile, across regions, with campaigns and recommenders', () => {
    const { account, resources } = demoFleet({ regions: ['us-east-1', 'eu-west-1'], resources: 16, seed: 7 });

    expect(new Set(resources.map((r) => r.profile))).toEqual(new Set(FLEET_PROFILES));
    expect(new Set(resources.map((r) => r.region))).toEqual(new Set(['us-east-1', 'eu-west-1']));
    expect(new Set(resources.map((r) => r.kind))).toEqual(new Set(['campaign', 'recommender']));

    const exempt = resources.find((r) => r.profile === 'exempt')!;
    expect(account.personalize.get(exempt.arn).tags.get('PersonalizeMonitorExempt')).toBe('true');
    const updating = resources.find((r) => r.profile === 'updating')!;
    expect(account.personalize.snapshot(updating.arn)).toMatchObject({ status: 'ACTIVE', minCapacity: 10, latestUpdateStatus: 'UPDATE PENDING' });
  });

  it('idle resources have no traffic; over-provisioned ones stay below their minimum', () => {
    const { account, resources } = demoFleet({ resources: 8, seed: 3 });
    const now = account.clock.now();
    const dayOfRequests = (arn: string) => {
      const res = account.personalize.get(arn);
      let n = 0;
      for (let t = now - DAY_MS; t < now; t += MINUTE_MS) n += account.personalize.requestsInMinute(res, t);
      return n;
    };

    const idle = resources.find((r) => r.profile === 'idle')!;
    const over = resources.find((r) => r.profile === 'overProvisioned')!;
    const recentlyIdle = resources.find((r) => r.profile === 'recentlyIdle')!;

    expect(dayOfRequests(idle.arn)).toBe(0);
    expect(dayOfRequests(recentlyIdle.arn)).toBe(0);
    expect(dayOfRequests(over.arn) / 86_400).toBeLessThan(over.minCapacity);
    expect(dayOfRequests(over.arn)).toBeGreaterThan(0);
  });

  it('is deterministic by seed (same resources, same bill) and differs across seeds', () => {
    const a = demoFleet({ resources: 12, seed: 11 });
    const b = demoFleet({ resources: 12, seed: 11 });
    const c = demoFleet({ resources: 12, seed: 12 });
    const month = (f: typeof a) => f.account.bill(f.account.clock.now() - 30 * DAY_MS, f.account.clock.now()).total;

    expect(b.resources).toEqual(a.resources);
    expect(month(b)).toBe(month(a));
    expect(month(c)).not.toBe(month(a));
    expect(month(a)).toBeGreaterThan(0);
  });
});
