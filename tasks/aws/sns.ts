/** Amazon SNS: Publish (the tasks) and ListTopics (`migrate --dry-run`). */
import { ListTopicsCommand, PublishCommand, type SNSClient } from '@aws-sdk/client-sns';

export type { SNSClient } from '@aws-sdk/client-sns';

/** Publishes one message (subject ≤ 100 printable ASCII characters: SNS rejects anything else). */
export async function publish(client: SNSClient, topicArn: string, subject: string, message: string): Promise<void> {
  await client.send(new PublishCommand({ TopicArn: topicArn, Subject: subject, Message: message }));
}

/**
 * Publishes one message with `MessageStructure: 'json'`: `body` is a JSON object of per-protocol
 * texts with a `default` entry (SNS rejects it otherwise); email subscribers get `email`.
 */
export async function publishStructured(client: SNSClient, topicArn: string, subject: string, body: string): Promise<void> {
  await client.send(new PublishCommand({ TopicArn: topicArn, Subject: subject, Message: body, MessageStructure: 'json' }));
}

/** Safety stop for a ListTopics NextToken chain that never ends (100,000 topics at 100 a page). */
export const MAX_LIST_TOPICS_PAGES = 1000;

/** ARNs of every topic of the region, all pages. */
export async function listTopicArns(client: SNSClient): Promise<string[]> {
  const arns: string[] = [];
  let nextToken: string | undefined;
  for (let page = 0; page < MAX_LIST_TOPICS_PAGES; page++) {
    const out = await client.send(new ListTopicsCommand({ NextToken: nextToken }));
    arns.push(...(out.Topics ?? []).flatMap((t) => (t.TopicArn ? [t.TopicArn] : [])));
    nextToken = out.NextToken;
    if (!nextToken) return arns;
  }
  throw new Error(`ListTopics returned NextToken more than ${MAX_LIST_TOPICS_PAGES} times`);
}
