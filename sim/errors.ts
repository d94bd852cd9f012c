/**
 * The error a simulated operation throws. The server renders it in the protocol's shape
 * (`__type` + message for JSON, an `<ErrorResponse>` for query) so the SDK maps it to its
 * named exception class.
 */

export interface SimErrorOptions {
  /** HTTP status (default 400). */
  status?: number;
  /** awsQuery error code when it differs from `code` (CloudWatch's query-compatible JSON). */
  queryCode?: string;
  /** Extra members of the error shape (e.g. DynamoDB `Item`, CloudWatch `dashboardValidationMessages`). */
  fields?: Record<string, unknown>;
}

export class SimError extends Error {
  readonly status: number;
  readonly queryCode: string;
  readonly fields: Record<string, unknown>;

  constructor(
    readonly code: string,
    message: string,
    options: SimErrorOptions = {},
  ) {
    super(message);
    this.name = code;
    this.status = options.status ?? 400;
    this.queryCode = options.queryCode ?? code;
    this.fields = options.fields ?? {};
  }

  /** `Sender` for 4xx, `Receiver` for 5xx, as the query protocol reports it. */
  get faultType(): 'Sender' | 'Receiver' {
    return this.status >= 500 ? 'Receiver' : 'Sender';
  }
}
