/**
 * The open data-feed findings of a region in the state table (`datafeed#<region>` partition, one
 * item per check × resource, core/contracts/data-feed.ts): what was reported, so that a finding is
 * reported once per occurrence and its end once as "recovered".
 */
import { dataFeedPartition, OPEN_ITEM_PREFIX, OPEN_ITEM_TTL_DAYS, type DataFeedFinding, type OpenFindingItem } from '../../core/contracts/data-feed';
import { STATE_PARTITION_KEY, STATE_SORT_KEY, STATE_TTL_ATTRIBUTE } from '../../core/contracts/state';
import { DAY_MS } from '../../core/time';
import { batchWrite, queryPartition, type DynamoDBClient, type Item } from '../aws/dynamodb';

export interface OpenFindingsStore {
  /** Every open item of the region (expired ones left out). @throws the store's error. */
  load(region: string, now: number, onRequest?: () => void): Promise<OpenFindingItem[]>;
  /** Writes `puts` and deletes `deletes`; returns how many requests stayed unprocessed. @throws the store's error. */
  save(puts: readonly OpenFindingItem[], deletes: readonly OpenFindingItem[], onRequest?: () => void): Promise<number>;
}

/** An item as stored → the item; undefined when malformed (then it is ignored, and expires). */
export function fromStored(item: Item): OpenFindingItem | undefined {
  try {
    const finding = JSON.parse(item.finding?.S ?? '') as DataFeedFinding;
    const n = (k: string) => (item[k]?.N === undefined ? undefined : Number(item[k].N));
    const openedAt = n('openedAt');
    const checkedAt = n('checkedAt');
    const expiresAt = n(STATE_TTL_ATTRIBUTE);
    if (typeof finding?.check !== 'string' || typeof finding.resourceArn !== 'string' || openedAt === undefined || checkedAt === undefined || expiresAt === undefined) return undefined;
    return { pk: item[STATE_PARTITION_KEY]?.S ?? '', sk: item[STATE_SORT_KEY]?.S ?? '', finding, openedAt, checkedAt, reportedAt: n('reportedAt'), expiresAt };
  } catch {
    return undefined;
  }
}

/** The item to store. */
export function toStored(item: OpenFindingItem): Item {
  const out: Item = {
    [STATE_PARTITION_KEY]: { S: item.pk },
    [STATE_SORT_KEY]: { S: item.sk },
    finding: { S: JSON.stringify(item.finding) },
    openedAt: { N: String(item.openedAt) },
    checkedAt: { N: String(item.checkedAt) },
    [STATE_TTL_ATTRIBUTE]: { N: String(item.expiresAt) },
  };
  if (item.reportedAt !== undefined) out.reportedAt = { N: String(item.reportedAt) };
  return out;
}

/** Epoch seconds an item checked at `now` expires. */
export function openItemExpiry(now: number): number {
  return Math.floor((now + OPEN_ITEM_TTL_DAYS * DAY_MS) / 1000);
}

/** The store over the state table `table` (home region). */
export function dynamoOpenFindings(client: DynamoDBClient, table: string): OpenFindingsStore {
  return {
    async load(region, now, onRequest) {
      const items = await queryPartition(client, table, { attribute: STATE_PARTITION_KEY, value: dataFeedPartition(region) }, { sortKeyPrefix: { attribute: STATE_SORT_KEY, prefix: OPEN_ITEM_PREFIX }, onRequest });
      return items.flatMap((i) => {
        const item = fromStored(i);
        return item && item.expiresAt * 1000 > now ? [item] : [];
      });
    },
    async save(puts, deletes, onRequest) {
      if (puts.length + deletes.length === 0) return 0;
      const keys = deletes.map((d) => ({ [STATE_PARTITION_KEY]: { S: d.pk }, [STATE_SORT_KEY]: { S: d.sk } }));
      return (await batchWrite(client, table, puts.map(toStored), keys, { onRequest })).unprocessed;
    },
  };
}

/** A process-local store (tests, scripts). */
export function memoryOpenFindings(): OpenFindingsStore & { items: Map<string, OpenFindingItem> } {
  const items = new Map<string, OpenFindingItem>();
  return {
    items,
    async load(region, now) {
      const pk = dataFeedPartition(region);
      return [...items.values()].filter((i) => i.pk === pk && i.expiresAt * 1000 > now).map((i) => ({ ...i }));
    },
    async save(puts, deletes) {
      for (const d of deletes) items.delete(`${d.pk}|${d.sk}`);
      for (const p of puts) items.set(`${p.pk}|${p.sk}`, { ...p });
      return 0;
    },
  };
}
