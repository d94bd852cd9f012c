/** SDK client configuration pointing at a running simulator (for tests, benchmarks, the demo). */

/** Dummy credentials: the simulator never checks signatures. */
export const SIM_CREDENTIALS = { accessKeyId: 'AKIDSIMULATED', secretAccessKey: 'simulated-secret' } as const;

export interface SimClientConfig {
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  maxAttempts?: number;
  userAgentAppId?: string;
}

/**
 * Config for any `@aws-sdk/client-*` constructor. `maxAttempts: 1` turns SDK retries off (to
 * see injected faults as errors); `caller` becomes the caller label in the call log.
 */
export function simClientConfig(url: string, region: string, opts: { maxAttempts?: number; caller?: string } = {}): SimClientConfig {
  return {
    endpoint: url,
    region,
    credentials: { ...SIM_CREDENTIALS },
    ...(opts.maxAttempts !== undefined ? { maxAttempts: opts.maxAttempts } : {}),
    ...(opts.caller !== undefined ? { userAgentAppId: opts.caller } : {}),
  };
}
