/** The data-feed tests' dataset groups (tasks/data-feed against the simulator, and through the stack). */
import { DAY_MS, HOUR_MS, traffic, type SimAccount } from '../../sim';

export interface DataFeedFleet {
  healthy: { group: string; tracker: string; campaign: string; version: string };
  broken: { group: string; tracker: string; dataset: string; solution: string; campaign: string; newest: string };
}

/**
 * A healthy and a broken dataset group in `region`, as of the account's clock (t0): the broken one's
 * stream stopped 8 h ago, its last import failed, its latest training failed, and its campaign
 * serves v1 while v2 has been ACTIVE for about 3 days.
 */
export function dataFeedFleet(account: SimAccount, region: string): DataFeedFleet {
  const t0 = account.clock.now();
  const df = account.dataFeed;
  // Healthy: steady events, ACTIVE imports, recent ACTIVE versions, the campaign on the latest.
  const hg = df.createDatasetGroup({ region: region, name: 'healthy-dg', createdAt: t0 - 40 * DAY_MS });
  const hd = df.createDataset({ datasetGroupArn: hg, datasetType: 'Interactions', createdAt: t0 - 40 * DAY_MS });
  df.addImportJob({ datasetArn: hd, jobName: 'healthy-import-1', createdAt: t0 - 3 * DAY_MS });
  df.addImportJob({ datasetArn: hd, jobName: 'healthy-import-2', createdAt: t0 - DAY_MS });
  const ht = df.createEventTracker({ datasetGroupArn: hg, name: 'healthy-tracker', createdAt: t0 - 40 * DAY_MS, eventsPerMinute: () => 30 });
  const hs = df.createSolution({ datasetGroupArn: hg, name: 'healthy-sol', createdAt: t0 - 40 * DAY_MS });
  df.addSolutionVersion({ solutionArn: hs, createdAt: t0 - 9 * DAY_MS });
  const hv = df.addSolutionVersion({ solutionArn: hs, createdAt: t0 - 2 * DAY_MS });
  const hc = account.personalize.createCampaign({ region: region, name: 'healthy-camp', solutionVersionArn: hv, createdAt: t0 - 2 * DAY_MS + 2 * HOUR_MS, traffic: traffic.constant(2) });

  // Broken: the stream stopped 8 h ago, the last import failed, the latest training failed, and
  // the campaign serves v1 while v2 has been ACTIVE for about 3 days.
  const bg = df.createDatasetGroup({ region: region, name: 'broken-dg', createdAt: t0 - 40 * DAY_MS });
  const bd = df.createDataset({ datasetGroupArn: bg, datasetType: 'Interactions', createdAt: t0 - 40 * DAY_MS });
  df.addImportJob({ datasetArn: bd, jobName: 'nightly-1', createdAt: t0 - 5 * DAY_MS });
  df.addImportJob({ datasetArn: bd, jobName: 'nightly-2', createdAt: t0 - 2 * DAY_MS, failureReason: 'Input CSV is missing the required column TIMESTAMP' });
  const stoppedAt = t0 - 8 * HOUR_MS;
  const bt = df.createEventTracker({ datasetGroupArn: bg, name: 'broken-tracker', createdAt: t0 - 40 * DAY_MS, eventsPerMinute: (t) => (t < stoppedAt ? 25 : 0) });
  const bs = df.createSolution({ datasetGroupArn: bg, name: 'broken-sol', createdAt: t0 - 40 * DAY_MS });
  const v1 = df.addSolutionVersion({ solutionArn: bs, createdAt: t0 - 10 * DAY_MS });
  const v2 = df.addSolutionVersion({ solutionArn: bs, createdAt: t0 - 3 * DAY_MS });
  df.addSolutionVersion({ solutionArn: bs, createdAt: t0 - DAY_MS, failureReason: 'Insufficient data: fewer than 1000 interactions after filtering' });
  const bc = account.personalize.createCampaign({ region: region, name: 'broken-camp', solutionVersionArn: v1, createdAt: t0 - 10 * DAY_MS + 2 * HOUR_MS, traffic: traffic.constant(2) });
  return { healthy: { group: hg, tracker: ht, campaign: hc, version: hv }, broken: { group: bg, tracker: bt, dataset: bd, solution: bs, campaign: bc, newest: v2 } };
}
