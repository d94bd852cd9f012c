/**
 * What the data-feed checks reported to the simulated account, read back from it: the SNS
 * messages whose subject carries a data-feed title (core/data-feed.ts CHECK_TITLES, or
 * "Recovered: <title in lower case>") and the EventBridge events of source personalize.monitor
 * with a data-feed detail-type (core/contracts/data-feed.ts). Pure: the demo passes the account's records.
 */
import { CHECK_TITLES } from '../core/data-feed';
import { DATA_FEED_CHECKS, DATA_FEED_DETAIL_TYPES, type DataFeedCheck } from '../core/contracts/data-feed';
import type { PublishedMessage, RecordedEvent } from '../sim';

export const MONITOR_EVENT_SOURCE = 'personalize.monitor';
const SUBJECT_PREFIX = '[Personalize Monitor] ';
const DETAIL_TYPES = new Set(Object.values(DATA_FEED_DETAIL_TYPES));

/** One data-feed report: an event on the default bus and/or an email to the notification topic. */
export interface DataFeedReport {
  check: DataFeedCheck;
  /** CHECK_TITLES[check]. */
  title: string;
  status: 'open' | 'recovered';
  resourceType: string;
  resourceArn: string;
  /** The ARN's resource part (`dataset/clickstream/INTERACTIONS`). */
  resource: string;
  datasetGroupArn: string;
  datasetGroup: string;
  region: string;
  /** When it was reported (simulated, ISO-8601). */
  at: string;
  /** Reported by email (SNS) / by event (EventBridge). */
  email: boolean;
  event: boolean;
  detailType?: string;
  subject?: string;
  reason: string;
}

/** The check an email subject names (`[Personalize Monitor] Import failed: …`, `… Recovered: import failed: …`). */
export function checkOfSubject(subject: string | undefined): { check: DataFeedCheck; status: 'open' | 'recovered' } | undefined {
  if (!subject?.startsWith(SUBJECT_PREFIX)) return undefined;
  const rest = subject.slice(SUBJECT_PREFIX.length);
  for (const check of DATA_FEED_CHECKS) {
    const title = CHECK_TITLES[check];
    if (rest.startsWith(`${title}:`)) return { check, status: 'open' };
    if (rest.startsWith(`Recovered: ${title.toLowerCase()}:`)) return { check, status: 'recovered' };
  }
  return undefined;
}

const resourcePart = (arn: string) => arn.split(':').slice(5).join(':');
const lastPart = (arn: string) => arn.slice(arn.lastIndexOf('/') + 1);
/** The resource ARN of a data-feed email (its first line: `<head>, <type> in <region>: <arn>`). */
const arnOfMessage = (message: string) => /: (arn:\S+)\s*$/m.exec(message.split('\n')[0] ?? '')?.[1];

/** Every data-feed report, an event and its email paired (same check, status and resource), in time order. */
export function dataFeedReports(messages: readonly PublishedMessage[], events: readonly RecordedEvent[]): DataFeedReport[] {
  const mails = messages.map((m) => ({ m, what: checkOfSubject(m.subject), arn: arnOfMessage(m.message), used: false })).filter((x) => x.what !== undefined);
  const out: DataFeedReport[] = [];
  for (const e of events) {
    if (e.source !== MONITOR_EVENT_SOURCE || !DETAIL_TYPES.has(e.detailType)) continue;
    const d = (typeof e.detail === 'string' ? JSON.parse(e.detail) : e.detail) as Record<string, unknown>;
    const check = d.Check as DataFeedCheck;
    if (!Object.hasOwn(CHECK_TITLES, check)) continue;
    const status = d.Status === 'recovered' ? 'recovered' : 'open';
    const arn = String(d.ARN ?? '');
    const mail = mails.find((x) => !x.used && x.what!.check === check && x.what!.status === status && x.arn === arn);
    if (mail) mail.used = true;
    const dg = String(d.DatasetGroupArn ?? '');
    out.push({
      check,
      title: CHECK_TITLES[check],
      status,
      resourceType: String(d.ResourceType ?? ''),
      resourceArn: arn,
      resource: resourcePart(arn),
      datasetGroupArn: dg,
      datasetGroup: lastPart(dg),
      region: String(d.Region ?? e.region),
      at: new Date(e.time).toISOString(),
      email: mail !== undefined,
      event: true,
      detailType: e.detailType,
      subject: mail?.m.subject,
      reason: String(d.Reason ?? ''),
    });
  }
  // An email whose event is missing (PutEvents failed) is a report all the same.
  for (const x of mails.filter((y) => !y.used)) {
    const arn = x.arn ?? '';
    const dg = /^Dataset group: .* \((arn:\S+)\)$/m.exec(x.m.message)?.[1] ?? '';
    out.push({
      check: x.what!.check,
      title: CHECK_TITLES[x.what!.check],
      status: x.what!.status,
      resourceType: /, (\w+) in /.exec(x.m.message.split('\n')[0] ?? '')?.[1] ?? '',
      resourceArn: arn,
      resource: resourcePart(arn),
      datasetGroupArn: dg,
      datasetGroup: lastPart(dg),
      region: x.m.region,
      at: new Date(x.m.time).toISOString(),
      email: true,
      event: false,
      subject: x.m.subject,
      reason: x.m.message.split('\n')[2] ?? '',
    });
  }
  return out.sort((a, b) => a.at.localeCompare(b.at) || a.title.localeCompare(b.title) || a.resource.localeCompare(b.resource));
}
