/**
 * The MONITOR's state table (core/contracts/state.ts): per region, what collect described (and the
 * candidates' tags, solution versions), so a cold container does not describe the fleet again and
 * build-dashboard reads the fleet without a Personalize call. On-demand (a few reads and writes per
 * run), key attributes only, items expire by TTL (`expiresAt`), encrypted.
 *
 * Point-in-time recovery is off on purpose: the table is a cache. Losing it costs one cold run
 * (collect describes again what it no longer finds, within its time budget); nothing in it is the
 * only copy of anything. (The approvals table, whose task tokens are, has it on.)
 */
import { Construct } from 'constructs';
import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import { STATE_PARTITION_KEY, STATE_SORT_KEY, STATE_TTL_ATTRIBUTE, stateTableName } from '../core/contracts/state';

export class StateTable extends Construct {
  readonly table: DynamodbTable;

  constructor(scope: Construct, id: string, props: { stackName: string }) {
    super(scope, id);
    this.table = new DynamodbTable(this, 'table', {
      name: stateTableName(props.stackName),
      billingMode: 'PAY_PER_REQUEST',
      hashKey: STATE_PARTITION_KEY,
      rangeKey: STATE_SORT_KEY,
      // Key attributes only (deploy-traps 22): the TTL attribute is not declared here.
      attribute: [
        { name: STATE_PARTITION_KEY, type: 'S' },
        { name: STATE_SORT_KEY, type: 'S' },
      ],
      ttl: { enabled: true, attributeName: STATE_TTL_ATTRIBUTE },
      // A cache: see the module comment.
      pointInTimeRecovery: { enabled: false },
      serverSideEncryption: { enabled: true },
    });
  }
}
