/**
 * Field schemas shared by the contracts (events, ACTION input): one definition of what an ARN,
 * a minimum capacity or a reason may be, so every message about them reads the same.
 */
import { z } from 'zod';
import { PERSONALIZE_ARN_PATTERN, PERSONALIZE_MAX_CAPACITY, PERSONALIZE_MIN_CAPACITY } from '../../config/schema';

/** Longest reason kept (it goes into subjects, pages and events). */
export const MAX_REASON_LENGTH = 1000;

/** How a valid minimum capacity is described in messages. */
export const CAPACITY_RANGE = `a whole number from ${PERSONALIZE_MIN_CAPACITY} to ${PERSONALIZE_MAX_CAPACITY} (Personalize's range)`;

/** A minimum capacity as Personalize accepts it; the deployment's ceiling is checked after parsing. */
export const minCapacitySchema = z
  .number({ invalid_type_error: `expected ${CAPACITY_RANGE}`, required_error: `expected ${CAPACITY_RANGE}` })
  .int(`expected ${CAPACITY_RANGE}, got a fraction`)
  .min(PERSONALIZE_MIN_CAPACITY, `expected ${CAPACITY_RANGE}`)
  .max(PERSONALIZE_MAX_CAPACITY, `expected ${CAPACITY_RANGE}`);

/** An ISO-8601 time. */
export const isoTimeSchema = z.string().refine((s) => Number.isFinite(Date.parse(s)), 'expected an ISO-8601 time');

/** A count, percentage or duration. */
export const nonNegativeSchema = z.number().min(0);

/** A campaign or recommender ARN. */
export const personalizeArnSchema = z
  .string({ required_error: 'expected a campaign or recommender ARN' })
  .regex(PERSONALIZE_ARN_PATTERN, 'expected a campaign or recommender ARN (arn:<partition>:personalize:<region>:<account>:campaign|recommender/<name>)');

/** A reason given by a requester. */
export const reasonSchema = z.string().max(MAX_REASON_LENGTH);
