import { z } from 'zod';

/** The largest time a JavaScript Date can hold (ms): beyond it `new Date(at).toISOString()` throws. */
export const MAX_EPOCH_MS = 8_640_000_000_000_000;

/**
 * Epoch milliseconds. Every timestamp on the agent<->relay<->backend path uses
 * this form. Bounded by what a Date holds, so that one agent's absurd clock is
 * refused at the relay with its frame, instead of failing the backend's batch.
 */
export const EpochMs = z.number().int().nonnegative().max(MAX_EPOCH_MS);

/** Non-negative finite number: byte counts, rates, percentages. */
export const NonNeg = z.number().finite().nonnegative();

export const Percent = z.number().finite().min(0).max(100);

/** Server-assigned computer id (UUID). */
export const ComputerId = z.uuid();
export type ComputerId = z.infer<typeof ComputerId>;

export const Hostname = z.string().min(1).max(253);

/** ISO-8601 timestamp as it appears in the public HTTP API. */
export const IsoDateTime = z.iso.datetime({ offset: true });
