/**
 * Dashboard names. The first (index) dashboard is `<stackName>`; when a large fleet is split,
 * the next ones are `<stackName>-2`, `<stackName>-3`, ... (the index links to them).
 */

/** CloudWatch: dashboard names are 1–255 of A-Z a-z 0-9 - _. */
const NAME_PATTERN = /^[A-Za-z0-9_-]{1,255}$/;

/**
 * Name of dashboard `page` (1-based) of the stack.
 * @throws Error when the name would not be a valid dashboard name.
 */
export function dashboardName(stackName: string, page = 1): string {
  if (!Number.isInteger(page) || page < 1) throw new Error(`dashboard page must be a whole number ≥ 1, got ${page}`);
  const name = page === 1 ? stackName : `${stackName}-${page}`;
  if (!NAME_PATTERN.test(name)) {
    throw new Error(`dashboard name "${name}" (from stack name "${stackName}") must be 1-255 of A-Z, a-z, 0-9, "-", "_"`);
  }
  return name;
}
