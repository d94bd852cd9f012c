/** AWS Step Functions: the task-token callbacks the approval endpoint sends. */
import { SendTaskFailureCommand, SendTaskSuccessCommand, type SFNClient } from '@aws-sdk/client-sfn';

export type { SFNClient } from '@aws-sdk/client-sfn';

/** SendTaskSuccess with a JSON output. The token is a credential: never log it. */
export async function sendTaskSuccess(client: SFNClient, taskToken: string, output: unknown): Promise<void> {
  await client.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output) }));
}

/** SendTaskFailure with an error name the definition catches. */
export async function sendTaskFailure(client: SFNClient, taskToken: string, error: string, cause: string): Promise<void> {
  await client.send(new SendTaskFailureCommand({ taskToken, error, cause }));
}
