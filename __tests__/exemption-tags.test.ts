import { parseExemption } from '../core/exemption';

const KEY = 'PersonalizeMonitorExempt';
const NOW = Date.UTC(2025, 2, 10, 12);

describe('parseExemption', () => {
  it('without the tag the resource is not exempt', () => {
    expect(parseExemption({ Team: 'search' }, KEY, NOW).exempt).toBe(false);
    expect(parseExemption(undefined, KEY, NOW).exempt).toBe(false);
  });

  it.each(['false', 'No', '0', ' FALSE '])('"%s" means not exempt', (value) => {
    expect(parseExemption({ [KEY]: value }, KEY, NOW).exempt).toBe(false);
  });

  it.each(['true', 'yes', 'black friday', ''])('"%s" exempts indefinitely and the reason names the tag', (value) => {
    const e = parseExemption({ [KEY]: value }, KEY, NOW);

    expect(e.exempt).toBe(true);
    expect(e.until).toBeUndefined();
    expect(e.reason).toContain(KEY);
  });

  it('a future date snoozes until midnight UTC of that date', () => {
    const e = parseExemption({ [KEY]: '2025-04-01' }, KEY, NOW);

    expect(e).toMatchObject({ exempt: true, until: Date.UTC(2025, 3, 1) });
    expect(e.reason).toContain('2025-04-01');
  });

  it('a past date no longer exempts', () => {
    const e = parseExemption({ [KEY]: '2025-03-01' }, KEY, NOW);

    expect(e.exempt).toBe(false);
    expect(e.reason).toContain(KEY);
  });

  it('accepts ISO date-times, UTC when no zone is given', () => {
    expect(parseExemption({ [KEY]: '2025-03-10T13:00:00Z' }, KEY, NOW)).toMatchObject({ exempt: true, until: Date.UTC(2025, 2, 10, 13) });
    expect(parseExemption({ [KEY]: '2025-03-10T11:00' }, KEY, NOW).exempt).toBe(false);
    expect(parseExemption({ [KEY]: '2025-03-10T14:00+02:00' }, KEY, NOW).exempt).toBe(false);
  });

  it('an impossible date exempts (safe side) and says the date is invalid', () => {
    const e = parseExemption({ [KEY]: '2025-02-30' }, KEY, NOW);

    expect(e.exempt).toBe(true);
    expect(e.reason).toMatch(/not a valid date/);
  });

  it('finds the tag whatever the case of its key', () => {
    expect(parseExemption({ personalizemonitorexempt: 'true' }, KEY, NOW).exempt).toBe(true);
  });
});
