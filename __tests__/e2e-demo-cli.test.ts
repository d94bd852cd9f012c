/** The demo's command line: options parsed strictly; a bad option prints the usage and exits with 2. */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { DEFAULT_OPTIONS, parseOptions, UsageError } from '../demo/options';
import { compactPath } from '../demo/run';

const ROOT = path.resolve(__dirname, '..');

describe('demo options', () => {
  it('defaults: 2 days, approve, demo-out/', () => {
    expect(parseOptions([])).toEqual(DEFAULT_OPTIONS);
  });

  it('reads every option, in both --x v and --x=v forms', () => {
    const o = parseOptions(['--days', '3', '--resources=20', '--regions', 'eu-west-1,us-west-2', '--seed', '9', '--reject', '--out', '/tmp/x']);
    expect(o).toMatchObject({ days: 3, resources: 20, regions: ['eu-west-1', 'us-west-2'], seed: 9, approval: 'reject', outDir: '/tmp/x' });
  });

  it.each([
    [['--days', '0'], /--days: expected a whole number from 1/],
    [['--days'], /--days needs a value/],
    [['--regions', 'mars-1'], /--regions: expected AWS regions/],
    [['--approve', '--ignore'], /choose one of/],
    [['--interactive', '--reject'], /--interactive lets you decide/],
    [['--bogus'], /unknown option "--bogus"/],
  ])('rejects %j', (argv, message) => {
    expect(() => parseOptions(argv as string[])).toThrow(UsageError);
    expect(() => parseOptions(argv as string[])).toThrow(message);
  });

  it('folds repeated poll rounds in an ACTION path', () => {
    expect(compactPath(['ValidateAction', 'ChooseApprovalMode', 'Act', 'Wait', 'Check', 'Wait', 'Check', 'Wait', 'Check', 'Done'])).toBe('ValidateAction → Act → Wait → Check ×3 → Done');
  });
});

describe('npm run demo (the CLI)', () => {
  it('prints the usage and exits with 2 on a bad option, before doing any work', () => {
    const r = spawnSync(path.join(ROOT, 'node_modules', '.bin', 'tsx'), [path.join(ROOT, 'demo', 'cli.ts'), '--days', 'many'], { cwd: ROOT, encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--days: expected a whole number');
    expect(r.stderr).toContain('Usage: npm run demo -- [options]');
  });

  it('--help prints the usage and exits with 0', () => {
    const r = spawnSync(path.join(ROOT, 'node_modules', '.bin', 'tsx'), [path.join(ROOT, 'demo', 'cli.ts'), '--help'], { cwd: ROOT, encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('--interactive');
  });
});
