/**
 * The approval store and endpoint: a DynamoDB table of pending approvals (id → task token,
 * request, expiry; TTL, encryption, point-in-time recovery) and a public Lambda function URL for
 * the approval pages. The URL is public by design (people click it from email): the unguessable
 * id is the credential, GET never decides, and the token never leaves the table.
 */
import { Construct } from 'constructs';
import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import { LambdaFunctionUrl } from '@cdktf/provider-aws/lib/lambda-function-url';
import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';
import { APPROVALS_KEY, APPROVALS_TTL_ATTRIBUTE } from '../core/contracts/approvals';
import { resourceName } from './names';
import type { NodejsFunction } from './nodejs-function';

/** `<stack>-approvals`. */
export function approvalsTableName(stackName: string): string {
  return resourceName('dynamodbTable', stackName, 'approvals');
}

export class ApprovalsTable extends Construct {
  readonly table: DynamodbTable;

  constructor(scope: Construct, id: string, props: { stackName: string }) {
    super(scope, id);
    this.table = new DynamodbTable(this, 'table', {
      name: approvalsTableName(props.stackName),
      billingMode: 'PAY_PER_REQUEST',
      hashKey: APPROVALS_KEY,
      // Key attributes only (deploy-traps 22): the TTL attribute is not declared here.
      attribute: [{ name: APPROVALS_KEY, type: 'S' }],
      ttl: { enabled: true, attributeName: APPROVALS_TTL_ATTRIBUTE },
      pointInTimeRecovery: { enabled: true },
      serverSideEncryption: { enabled: true },
    });
  }
}

/** Public function URL of the approval function, with both permissions a URL needs since October 2025. */
export class ApprovalEndpoint extends Construct {
  readonly url: LambdaFunctionUrl;
  readonly invokePermission: LambdaPermission;

  constructor(scope: Construct, id: string, props: { fn: NodejsFunction }) {
    super(scope, id);
    // The URL resource grants lambda:InvokeFunctionUrl (its own statement FunctionURLAllowPublicAccess).
    this.url = new LambdaFunctionUrl(this, 'url', {
      functionName: props.fn.function.functionName,
      authorizationType: 'NONE',
    });
    // ... and lambda:InvokeFunction is needed as well, without function_url_auth_type (deploy-traps 15).
    this.invokePermission = new LambdaPermission(this, 'invoke', {
      statementId: 'AllowPublicInvokeForApprovalUrl',
      action: 'lambda:InvokeFunction',
      functionName: props.fn.function.functionName,
      principal: '*',
    });
  }
}
