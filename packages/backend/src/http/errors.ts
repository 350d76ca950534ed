import type { ErrorBody } from '@labmgr/protocol';

/** Thrown by services and routes; the error handler turns it into the one error shape. */
export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export const unauthorized = (message = 'authentication required') =>
  new ApiError(401, 'unauthorized', message);
export const forbidden = (message = 'not allowed for your role') => new ApiError(403, 'forbidden', message);
export const notFound = (what: string) => new ApiError(404, 'not_found', `${what} not found`);
/** 429 after too many failed attempts; the error handler turns `retryAfterSec` into `Retry-After`. */
export function tooManyAttempts(what: string, waitMs: number): ApiError {
  const retryAfterSec = Math.ceil(waitMs / 1000);
  return new ApiError(429, 'too_many_attempts', `too many ${what}; try again in ${retryAfterSec} s`, {
    retryAfterSec,
  });
}

export function errorBody(code: string, message: string, details?: unknown): ErrorBody {
  return details === undefined ? { error: { code, message } } : { error: { code, message, details } };
}
