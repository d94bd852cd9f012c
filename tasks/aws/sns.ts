/** Amazon SNS: the one operation the tasks call. */
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';

export type { SNSClient } from '@aws-sdk/client-sns';

/** Publishes one message (subject ≤ 100 printable ASCII characters: SNS rejects anything else). */
export async function publish(client: SNSClient, topicArn: string, subject: string, message: string): Promise<void> {
  await client.send(new PublishCommand({ TopicArn: topicArn, Subject: subject, Message: message }));
}
