/** Names of deployed resources: defined with the run-time contracts (`core/contracts/names.ts`). */
export * from '../core/contracts/names';
