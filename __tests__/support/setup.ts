// aws-local-stepfunctions needs Promise.withResolvers (Node 22); Node 20 lacks it.
import '../../runner/polyfills';

// Handlers must never reach real AWS from a test.
process.env.AWS_ACCESS_KEY_ID ??= 'test';
process.env.AWS_SECRET_ACCESS_KEY ??= 'test';
process.env.AWS_REGION ??= 'us-east-1';
process.env.CHECKPOINT_DISABLE = '1';
// Handlers log JSON lines; keep test output readable (set LOG_LEVEL=DEBUG to see them).
process.env.LOG_LEVEL ??= 'OFF';
