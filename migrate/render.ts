/** `migrate --dry-run` as text for a terminal: what the original left, what replaces each piece, what to do next. */
import type { ItemKind, MigrationItem, MigrationReport } from './scan';

const SECTIONS: { kind: ItemKind; title: string }[] = [
  { kind: 'stack', title: 'CloudFormation stacks' },
  { kind: 'function', title: 'Lambda functions' },
  { kind: 'rule', title: 'EventBridge rules (default bus)' },
  { kind: 'topic', title: 'SNS topics' },
  { kind: 'alarm', title: 'CloudWatch alarms' },
  { kind: 'dashboard', title: 'CloudWatch dashboards' },
];

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

function item(i: MigrationItem): string[] {
  return [
    `  [${i.region}] ${i.name}`,
    `      from: ${i.origin}`,
    i.replacedBy ? `      → ${i.replacedBy}: ${i.note}` : `      → ${i.note}`,
  ];
}

/** CloudWatch DeleteAlarms takes at most 100 names. */
const DELETE_ALARMS_BATCH = 100;

/** Removal commands of what was made outside a stack: alarms batched per region, the rest one by one. */
export function removalCommands(items: readonly MigrationItem[]): string[] {
  const commands: string[] = [];
  const alarmsByRegion = new Map<string, string[]>();
  for (const i of items) {
    if (!i.removeWith || i.kind === 'stack') continue;
    if (i.kind === 'alarm') alarmsByRegion.set(i.region, [...(alarmsByRegion.get(i.region) ?? []), i.name]);
    else commands.push(i.removeWith);
  }
  const batches = [...alarmsByRegion].flatMap(([region, names]) =>
    Array.from({ length: Math.ceil(names.length / DELETE_ALARMS_BATCH) }, (_, b) => `aws cloudwatch delete-alarms --region ${region} --alarm-names ${names.slice(b * DELETE_ALARMS_BATCH, (b + 1) * DELETE_ALARMS_BATCH).join(' ')}`),
  );
  return [...batches, ...commands];
}

/** The report as readable text (ends with a newline). */
export function renderReport(report: MigrationReport): string {
  const out: string[] = [];
  const d = report.deployment;
  out.push('migrate --dry-run: read only, nothing was changed.');
  out.push(`Scanned regions: ${report.regions.join(', ')}. Your deployment: ${d.stackName} (alarm prefix ${d.alarmPrefix}, home ${d.homeRegion}, regions ${d.regions.join(', ')}).`);

  if (report.items.length === 0) {
    out.push('', 'No trace of the original Amazon Personalize Monitor in these regions (no stack, alarm, rule, topic or dashboard of it).');
  }

  for (const stack of report.stacks) {
    out.push('', `The original's settings in stack ${stack.name} (${stack.region}) next to your config:`);
    const w = Math.max(...stack.parameters.map((p) => p.parameter.length), 9);
    const t = Math.max(...stack.parameters.map((p) => p.theirs.length), 6);
    const o = Math.max(...stack.parameters.map((p) => `${p.key} = ${p.ours}`.length), 11);
    out.push(`  ${pad('parameter', w)}  ${pad('theirs', t)}  ${pad('your config', o)}  `);
    for (const p of stack.parameters) {
      out.push(`  ${pad(p.parameter, w)}  ${pad(p.theirs, t)}  ${pad(`${p.key} = ${p.ours}`, o)}  ${p.same ? 'same' : 'DIFFERS'}${p.note ? `  (${p.note})` : ''}`);
    }
  }

  for (const section of SECTIONS) {
    const items = report.items.filter((i) => i.kind === section.kind);
    if (items.length === 0) continue;
    out.push('', `${section.title} (${items.length})`);
    for (const i of items) out.push(...item(i));
  }

  const own = report.skippedOwn;
  if (own.alarms || own.rules) {
    out.push('', `Not listed: ${own.alarms} alarm(s) and ${own.rules} rule(s) of your own deployment (owner tag PersonalizeMonitorStack; rules ${d.stackName}-dashboard-request / -default-bus-requests).`);
  }
  if (report.relatedRules.length) {
    out.push('', 'Rules on personalize.monitor events that are neither the original\'s nor ours (yours: left alone; result events still arrive on the default bus):');
    for (const r of report.relatedRules) out.push(`  [${r.region}] ${r.name}`);
  }
  for (const n of report.notTheOriginal) out.push('', `Stack ${n.name} (${n.region}) is not the original: ${n.reason}.`);
  for (const n of report.stacksNotFound) out.push('', `Stack ${n} (--stack) was not found in ${report.regions.join(', ')}.`);

  if (report.items.length) {
    out.push('', 'Next steps (MIGRATING.md):');
    out.push('  1. Deploy yours next to the original (npm run deploy); it never touches the original\'s alarms. While both run, keep only one side acting:');
    out.push('     the original\'s AutoDeleteOrStopIdleResources=No and AutoAdjustMinTPS=No, or yours in dryRun / report modes.');
    out.push('  2. Move request publishers to the requests bus (or set acceptDefaultBusRequests), confirm the new email subscriptions.');
    const deletes = report.stacks.map((s) => s.deleteCommand);
    out.push(`  3. Remove the original's stack (this command does not): ${deletes.length ? deletes.join(' ; ') : 'no stack found; remove the pieces below by hand'}`);
    const commands = removalCommands(report.items);
    if (commands.length) {
      out.push('  4. Run npm run migrate -- --dry-run again. The stack\'s clean-up removes only what it knows of (regions of the resources it still');
      out.push('     monitors); whatever is still listed was made outside the stack and goes with:');
      for (const c of commands) out.push(`     ${c}`);
    }
  }

  if (report.problems.length) {
    out.push('', 'INCOMPLETE: these reads were denied, so the listing above misses what they would show. Grant them and run again:');
    for (const p of report.problems) out.push(`  ${p.permission} in ${p.region} (${p.error})`);
  }
  return `${out.join('\n')}\n`;
}
