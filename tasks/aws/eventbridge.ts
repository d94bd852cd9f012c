/** Amazon EventBridge: the one operation the tasks call. */
import { PutEventsCommand, type EventBridgeClient, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';

export type { EventBridgeClient, PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';

/** PutEvents; returns how many entries were rejected and their error codes (the call itself succeeded). */
export async function putEvents(client: EventBridgeClient, entries: PutEventsRequestEntry[]): Promise<{ failed: number; errorCodes: string[] }> {
  const out = await client.send(new PutEventsCommand({ Entries: entries }));
  const errorCodes = (out.Entries ?? []).map((e) => e.ErrorCode).filter((c): c is string => !!c);
  return { failed: out.FailedEntryCount ?? 0, errorCodes };
}
