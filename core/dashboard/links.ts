/**
 * Console links for the dashboard, derived from each resource's partition (never a hard-coded
 * `aws` host: bug 7 of the original). Pure.
 */
import { consoleHost, parseArn, type ParsedArn } from '../arn';

/** Console host of a partition and region; undefined where no public console exists (the link is left out). */
export function consoleHostOrNone(partition: string, region: string): string | undefined {
  try {
    return consoleHost(partition, region);
  } catch {
    return undefined;
  }
}

/** Partition a region belongs to, from its name (`cn-north-1` → `aws-cn`). */
export function partitionOfRegion(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  if (region.startsWith('us-isob-')) return 'aws-iso-b';
  if (region.startsWith('us-iso-')) return 'aws-iso';
  return 'aws';
}

/** The parts of an ARN, or undefined when it is not one (a dashboard never fails on a bad link). */
export function parseArnOrNone(arn: string): ParsedArn | undefined {
  try {
    return parseArn(arn);
  } catch {
    return undefined;
  }
}

/** Personalize console page of a dataset group (the original's `dataset-group$<name>/setup` form). */
export function datasetGroupUrl(datasetGroupArn: string): string | undefined {
  const arn = parseArnOrNone(datasetGroupArn);
  if (!arn || !arn.resource.startsWith('dataset-group/')) return undefined;
  const host = consoleHostOrNone(arn.partition, arn.region);
  if (!host) return undefined;
  const name = arn.resource.slice('dataset-group/'.length);
  const fragment = `arn:${arn.partition}:personalize:${arn.region}:${arn.accountId}:dataset-group$${name}/setup`;
  return `${host}/personalize/home?region=${arn.region}#${fragment}`;
}

/** Personalize console home of a region. */
export function personalizeHomeUrl(partition: string, region: string): string | undefined {
  const host = consoleHostOrNone(partition, region);
  return host && `${host}/personalize/home?region=${region}`;
}

/**
 * CloudWatch alarms page of a region, searching for the deployment's alarm prefix when given
 * (default `<stackName>-alarm-`; never the original sample's `PersonalizeMonitor-`). The console
 * reads the search from its Rison fragment `?~(search~'<text>')`; the prefix's characters
 * (letters, digits, `-_.`, see ownership.ts) need no Rison escaping.
 */
export function alarmsUrl(partition: string, region: string, alarmPrefix?: string): string | undefined {
  const host = consoleHostOrNone(partition, region);
  const search = alarmPrefix ? `?~(search~'${encodeURIComponent(alarmPrefix)}')` : '';
  return host && `${host}/cloudwatch/home?region=${region}#alarmsV2:${search}`;
}

/** Step Functions console page of a state machine. */
export function stateMachineUrl(stateMachineArn: string): string | undefined {
  const arn = parseArnOrNone(stateMachineArn);
  const host = arn && consoleHostOrNone(arn.partition, arn.region);
  return host && `${host}/states/home?region=${arn.region}#/statemachines/view/${encodeURIComponent(stateMachineArn)}`;
}

/** CloudWatch console page of a dashboard (dashboards are global; the console needs some region). */
export function dashboardUrl(partition: string, region: string, name: string): string | undefined {
  const host = consoleHostOrNone(partition, region);
  return host && `${host}/cloudwatch/home?region=${region}#dashboards:name=${encodeURIComponent(name)}`;
}
