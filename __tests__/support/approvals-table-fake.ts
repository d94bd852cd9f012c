/**
 * An in-memory stand-in for the approvals table behind aws-sdk-client-mock: PutItem, GetItem and
 * UpdateItem with the condition expressions the approval adapter uses, evaluated for real.
 */
import type { AwsStub } from 'aws-sdk-client-mock';
import { GetItemCommand, PutItemCommand, UpdateItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';

type Item = Record<string, AttributeValue>;

function conditionFailed(): Error {
  return Object.assign(new Error('The conditional request failed'), { name: 'ConditionalCheckFailedException' });
}

/** Evaluates the `A AND B` conditions used by the adapter against `item`. */
function holds(condition: string, item: Item | undefined, names: Record<string, string>, values: Item): boolean {
  return condition.split(/\s+AND\s+/).every((clause) => {
    const c = clause.trim();
    let m = /^attribute_not_exists\((\w+)\)$/.exec(c);
    if (m) return !item || item[m[1]] === undefined;
    m = /^attribute_exists\((\w+)\)$/.exec(c);
    if (m) return !!item && item[m[1]] !== undefined;
    m = /^(#?\w+)\s*(=|>)\s*(:\w+)$/.exec(c);
    if (!m) throw new Error(`fake table cannot evaluate "${c}"`);
    if (!item) return false;
    const attr = item[m[1].startsWith('#') ? names[m[1]] : m[1]];
    const value = values[m[3]];
    if (!attr) return false;
    if (m[2] === '=') return JSON.stringify(attr) === JSON.stringify(value);
    return Number(attr.N) > Number(value.N);
  });
}

/** Applies `SET a = :x, #b = :y [REMOVE c]`. */
function apply(expression: string, item: Item, names: Record<string, string>, values: Item): void {
  const [setPart, removePart] = expression.replace(/^SET\s+/, '').split(/\s+REMOVE\s+/);
  for (const assignment of setPart.split(',')) {
    const [lhs, rhs] = assignment.split('=').map((s) => s.trim());
    item[lhs.startsWith('#') ? names[lhs] : lhs] = values[rhs];
  }
  for (const attr of (removePart ?? '').split(',').map((s) => s.trim()).filter(Boolean)) delete item[attr];
}

/** Wires the fake onto a mocked DynamoDB client; returns the table's items by id. */
export function fakeApprovalsTable(ddb: AwsStub<any, any, any>): Map<string, Item> {
  const items = new Map<string, Item>();
  ddb.on(PutItemCommand).callsFake((input) => {
    const id = input.Item.id.S as string;
    if (input.ConditionExpression && !holds(input.ConditionExpression, items.get(id), input.ExpressionAttributeNames ?? {}, input.ExpressionAttributeValues ?? {})) {
      throw conditionFailed();
    }
    items.set(id, structuredClone(input.Item));
    return {};
  });
  ddb.on(GetItemCommand).callsFake((input) => {
    const item = items.get(input.Key.id.S as string);
    return item ? { Item: structuredClone(item) } : {};
  });
  ddb.on(UpdateItemCommand).callsFake((input) => {
    const id = input.Key.id.S as string;
    const item = items.get(id);
    const names = input.ExpressionAttributeNames ?? {};
    const values = input.ExpressionAttributeValues ?? {};
    if (input.ConditionExpression && !holds(input.ConditionExpression, item, names, values)) throw conditionFailed();
    const next = structuredClone(item ?? { id: { S: id } });
    apply(input.UpdateExpression, next, names, values);
    items.set(id, next);
    return {};
  });
  return items;
}
