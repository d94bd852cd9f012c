/**
 * Dashboard names. Dashboard 1 (the index) has the stack's dashboard name from `core/contracts/names.ts`
 * (`<stackName>-dashboard`); when a large fleet is split, the next ones are numbered
 * `<that>-2`, `<that>-3`, ... so one IAM resource `dashboard/<that>*` covers them all.
 */
import { checkName, dashboardName } from '../contracts/names';

/**
 * Name of dashboard `page` (1-based) of the stack.
 * @throws Error when the name would not be a valid dashboard name.
 */
export function dashboardPageName(stackName: string, page = 1): string {
  if (!Number.isInteger(page) || page < 1) throw new Error(`dashboard page must be a whole number ≥ 1, got ${page}`);
  const index = dashboardName(stackName);
  return page === 1 ? index : checkName('dashboard', `${index}-${page}`);
}

/** The stack's dashboards among `names` (the index one and its numbered pages), sorted. */
export function ownDashboardNames(stackName: string, names: readonly string[]): string[] {
  const index = dashboardPageName(stackName);
  return names.filter((n) => n === index || (n.startsWith(`${index}-`) && /^[1-9]\d*$/.test(n.slice(index.length + 1)))).sort();
}
