import { isMonitorable, isTransitional, isUpdatable, normalizeStatus } from '../core/status';

describe('normalizeStatus', () => {
  it.each([
    ['CREATE IN_PROGRESS', 'CREATE IN PROGRESS'],
    ['create_in_progress', 'CREATE IN PROGRESS'],
    [' Create  Failed ', 'CREATE FAILED'],
    ['active', 'ACTIVE'],
    [undefined, ''],
  ])('%s → %s', (raw, normalized) => {
    expect(normalizeStatus(raw)).toBe(normalized);
  });
});

describe('isUpdatable', () => {
  it('accepts ACTIVE and CREATE FAILED, with or without a latest update', () => {
    expect(isUpdatable({ status: 'ACTIVE' })).toBe(true);
    expect(isUpdatable({ status: 'CREATE_FAILED' })).toBe(true);
    expect(isUpdatable({ status: 'ACTIVE', latestUpdateStatus: 'active' })).toBe(true);
    expect(isUpdatable({ status: 'ACTIVE', latestUpdateStatus: 'CREATE FAILED' })).toBe(true);
  });

  it('refuses while creating, deleting, stopped or while an update runs', () => {
    expect(isUpdatable({ status: 'CREATE IN_PROGRESS' })).toBe(false);
    expect(isUpdatable({ status: 'DELETE PENDING' })).toBe(false);
    expect(isUpdatable({ status: 'INACTIVE' })).toBe(false);
    expect(isUpdatable({ status: 'ACTIVE', latestUpdateStatus: 'CREATE IN_PROGRESS' })).toBe(false);
  });
});

describe('isMonitorable', () => {
  it('watches ACTIVE resources, also while an update runs', () => {
    expect(isMonitorable({ status: 'ACTIVE' })).toBe(true);
    expect(isMonitorable({ status: 'Active', latestUpdateStatus: 'CREATE_PENDING' })).toBe(true);
  });

  it('skips creating, stopped, failed and deleting resources', () => {
    expect(isMonitorable({ status: 'CREATE PENDING' })).toBe(false);
    expect(isMonitorable({ status: 'INACTIVE' })).toBe(false);
    expect(isMonitorable({ status: 'CREATE FAILED' })).toBe(false);
    expect(isMonitorable({ status: 'ACTIVE', latestUpdateStatus: 'DELETE IN_PROGRESS' })).toBe(false);
  });
});

describe('isTransitional', () => {
  it('is true while the resource or its update is pending or in progress', () => {
    expect(isTransitional({ status: 'STOP IN_PROGRESS' })).toBe(true);
    expect(isTransitional({ status: 'ACTIVE', latestUpdateStatus: 'CREATE PENDING' })).toBe(true);
    expect(isTransitional({ status: 'ACTIVE', latestUpdateStatus: 'ACTIVE' })).toBe(false);
    expect(isTransitional({ status: 'INACTIVE' })).toBe(false);
  });
});
