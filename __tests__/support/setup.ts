// aws-local-stepfunctions needs Promise.withResolvers (Node 22); Node 20 lacks it.
if (typeof (Promise as unknown as { withResolvers?: unknown }).withResolvers !== 'function') {
  (Promise as unknown as { withResolvers: () => unknown }).withResolvers = function withResolvers<T>() {
    let resolve!: (v: T) => void;
    let reject!: (e: unknown) => void;
    const promise = new Promise<T>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { promise, resolve, reject };
  };
}
// Handlers must never reach real AWS from a test.
process.env.AWS_ACCESS_KEY_ID ??= 'test';
process.env.AWS_SECRET_ACCESS_KEY ??= 'test';
process.env.AWS_REGION ??= 'us-east-1';
process.env.CHECKPOINT_DISABLE = '1';
// Handlers log JSON lines; keep test output readable (set LOG_LEVEL=DEBUG to see them).
process.env.LOG_LEVEL ??= 'OFF';
