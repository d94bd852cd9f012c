import { idleWaste, monthlyCost, overProvisionWaste } from '../core/cost';
import { fleetFingerprint } from '../core/fleet';
import { behaviour, campaign, recommender } from './support/core-fixtures';

describe('waste estimates', () => {
  const prices = behaviour({ campaignTpsHourPrice: 0.2, recommenderRpsHourPrice: 0.1 });

  it('a month is 730 hours of the type price', () => {
    expect(monthlyCost(1, 'campaign', prices)).toBe(146);
    expect(monthlyCost(3, 'recommender', prices)).toBe(219);
  });

  it('an idle resource wastes its whole minimum', () => {
    expect(idleWaste(campaign({ minCapacity: 2 }), prices)).toBe(292);
    expect(idleWaste(recommender({ minCapacity: 2 }), prices)).toBe(146);
  });

  it('lowering a minimum saves the difference, less the hours traffic was above it', () => {
    expect(overProvisionWaste(10, 4, 'campaign', prices)).toBe(876);
    // Half the hours at 12/s (above the current 10: no saving), half at 0 (saves 6).
    expect(overProvisionWaste(10, 4, 'campaign', prices, [12, 0])).toBe(438);
  });
});

describe('fleetFingerprint', () => {
  const fleet = [campaign({ minCapacity: 2 }), recommender({ minCapacity: 1 })];

  it('does not depend on order', () => {
    expect(fleetFingerprint([...fleet].reverse())).toBe(fleetFingerprint(fleet));
  });

  it('changes when a resource is added or removed, or its minimum or status changes', () => {
    const base = fleetFingerprint(fleet);

    expect(fleetFingerprint(fleet.slice(1))).not.toBe(base);
    expect(fleetFingerprint([campaign({ minCapacity: 3 }), fleet[1]])).not.toBe(base);
    expect(fleetFingerprint([fleet[0], recommender({ minCapacity: 1, status: 'INACTIVE' })])).not.toBe(base);
  });
});
