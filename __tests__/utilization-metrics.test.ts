import { averageRate, hourlySumsIn, monitorMetrics, utilizationPercent } from '../core/utilization';
import { HOUR_MS } from '../core/time';
import { campaign, NOW, recommender } from './support/core-fixtures';

describe('utilization math', () => {
  it('averageRate is requests per second, 0 for no duration', () => {
    expect(averageRate(600, 300)).toBe(2);
    expect(averageRate(5, 0)).toBe(0);
  });

  it('utilization is (requests / 300) / min × 100', () => {
    expect(utilizationPercent(300, 2)).toBe(50);
    expect(utilizationPercent(1500, 1)).toBe(500);
  });

  it('is 0 without traffic or without a minimum', () => {
    expect(utilizationPercent(0, 5)).toBe(0);
    expect(utilizationPercent(300, 0)).toBe(0);
    expect(utilizationPercent(300, -1)).toBe(0);
  });
});

describe('monitorMetrics', () => {
  it('publishes the campaign metrics with the original names, units and dimension', () => {
    const c = campaign({ minCapacity: 4 });

    const points = monitorMetrics(c, 600, NOW);

    const dims = [{ name: 'CampaignArn', value: c.arn }];
    expect(points).toEqual([
      { metricName: 'minProvisionedTPS', dimensions: dims, value: 4, unit: 'Count/Second', timestamp: NOW },
      { metricName: 'averageTPS', dimensions: dims, value: 2, unit: 'Count/Second', timestamp: NOW },
      { metricName: 'campaignUtilization', dimensions: dims, value: 50, unit: 'Percent', timestamp: NOW },
    ]);
  });

  it('publishes the recommender metrics and leaves out a zero average', () => {
    const r = recommender({ minCapacity: 2 });

    const points = monitorMetrics(r, 0, NOW);

    expect(points.map((p) => [p.metricName, p.value, p.unit])).toEqual([
      ['minRecommendationRequestsPerSecond', 2, 'Count/Second'],
      ['recommenderUtilization', 0, 'Percent'],
    ]);
    expect(points.every((p) => p.dimensions[0].name === 'RecommenderArn' && p.dimensions[0].value === r.arn)).toBe(true);
  });
});

describe('hourlySumsIn', () => {
  const start = Date.UTC(2025, 2, 10, 0);

  it('returns the hours of the window out of a longer sample', () => {
    const sample = { recentRequests: 0, hourlyStart: start, hourlySums: [1, 2, 3, 4, 5] };

    expect(hourlySumsIn(sample, { start: start + HOUR_MS, end: start + 4 * HOUR_MS })).toEqual([2, 3, 4]);
  });

  it('does not pad a sample that misses part of the window (that would invent idleness)', () => {
    const sample = { recentRequests: 0, hourlyStart: start, hourlySums: [0, 0] };

    expect(hourlySumsIn(sample, { start, end: start + 3 * HOUR_MS })).toMatch(/not the whole window/);
    expect(hourlySumsIn({ recentRequests: 0 }, { start, end: start + HOUR_MS })).toMatch(/no hourly traffic/);
  });
});
