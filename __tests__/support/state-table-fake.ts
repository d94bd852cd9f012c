/**
 * An in-memory stand-in for the state table behind aws-sdk-client-mock: Query (one page, the whole
 * partition, optional `begins_with` on the sort key) and BatchWriteItem (puts and deletes, nothing
 * left unprocessed), for tests that run collect or build-dashboard with mocked clients.
 */
import type { AwsStub } from 'aws-sdk-client-mock';
import { BatchWriteItemCommand, QueryCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';

type Item = Record<string, AttributeValue>;

/** Serves the state table from `items` (key `pk|sk`); returns the map to inspect. */
export function serveStateTable(mock: AwsStub<any, any, any>, items = new Map<string, Item>()): Map<string, Item> {
  mock.on(QueryCommand).callsFake((input) => {
    const pk = input.ExpressionAttributeValues?.[':pk']?.S;
    const prefix = input.ExpressionAttributeValues?.[':p']?.S ?? '';
    const found = [...items.values()].filter((i) => i.pk?.S === pk && String(i.sk?.S ?? '').startsWith(prefix)).sort((a, b) => (String(a.sk.S) < String(b.sk.S) ? -1 : 1));
    return { Items: found.map((i) => structuredClone(i)), Count: found.length };
  });
  mock.on(BatchWriteItemCommand).callsFake((input) => {
    for (const requests of Object.values(input.RequestItems ?? {}) as { PutRequest?: { Item: Item }; DeleteRequest?: { Key: Item } }[][]) {
      if (requests.length > 25) throw Object.assign(new Error('Too many items requested for the BatchWriteItem call'), { name: 'ValidationException' });
      for (const r of requests) {
        if (r.PutRequest) items.set(`${r.PutRequest.Item.pk.S}|${r.PutRequest.Item.sk.S}`, structuredClone(r.PutRequest.Item));
        if (r.DeleteRequest) items.delete(`${r.DeleteRequest.Key.pk.S}|${r.DeleteRequest.Key.sk.S}`);
      }
    }
    return { UnprocessedItems: {} };
  });
  return items;
}
