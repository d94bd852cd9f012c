/** Amazon EventBridge: PutEvents (the tasks) and ListRules (`migrate --dry-run`). */
import { ListRulesCommand, PutEventsCommand, type EventBridgeClient, type PutEventsRequestEntry, type Rule } from '@aws-sdk/client-eventbridge';

export type { EventBridgeClient, PutEventsRequestEntry, Rule } from '@aws-sdk/client-eventbridge';

/** PutEvents; returns how many entries were rejected and their error codes (the call itself succeeded). */
export async function putEvents(client: EventBridgeClient, entries: PutEventsRequestEntry[]): Promise<{ failed: number; errorCodes: string[] }> {
  const out = await client.send(new PutEventsCommand({ Entries: entries }));
  const errorCodes = (out.Entries ?? []).map((e) => e.ErrorCode).filter((c): c is string => !!c);
  return { failed: out.FailedEntryCount ?? 0, errorCodes };
}

/** Largest ListRules page. */
export const LIST_RULES_PAGE_SIZE = 100;
/** Safety stop for a ListRules NextToken chain that never ends (10,000 rules). */
export const MAX_LIST_RULES_PAGES = 100;

/** Every rule of an event bus (default: the default bus), optionally only names starting with `namePrefix`; all pages. */
export async function listRules(client: EventBridgeClient, options: { eventBusName?: string; namePrefix?: string } = {}): Promise<Rule[]> {
  const rules: Rule[] = [];
  let nextToken: string | undefined;
  for (let page = 0; page < MAX_LIST_RULES_PAGES; page++) {
    const out = await client.send(
      new ListRulesCommand({
        ...(options.eventBusName ? { EventBusName: options.eventBusName } : {}),
        ...(options.namePrefix ? { NamePrefix: options.namePrefix } : {}),
        Limit: LIST_RULES_PAGE_SIZE,
        NextToken: nextToken,
      }),
    );
    rules.push(...(out.Rules ?? []));
    nextToken = out.NextToken;
    if (!nextToken) return rules;
  }
  throw new Error(`ListRules returned NextToken more than ${MAX_LIST_RULES_PAGES} times`);
}
