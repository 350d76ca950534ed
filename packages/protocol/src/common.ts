import { z } from 'zod';

/** Epoch milliseconds. Every timestamp on the agent<->relay<->backend path uses this form. */
export const EpochMs = z.number().int().nonnegative();

/** Non-negative finite number: byte counts, rates, percentages. */
export const NonNeg = z.number().finite().nonnegative();

export const Percent = z.number().finite().min(0).max(100);

/** Server-assigned computer id (UUID). */
export const ComputerId = z.uuid();
export type ComputerId = z.infer<typeof ComputerId>;

export const Hostname = z.string().min(1).max(253);

/** ISO-8601 timestamp as it appears in the public HTTP API. */
export const IsoDateTime = z.iso.datetime({ offset: true });
