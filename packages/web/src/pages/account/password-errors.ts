import { ApiError } from '../../api/client.js';

/** Where a refused password change shows its reason: under a field, or above the form. */
export interface PasswordChangeError {
  field: 'currentPassword' | 'newPassword' | null;
  message: string;
}

/** The server's refusal in words the form can place next to the right field. */
export function passwordChangeError(error: unknown): PasswordChangeError {
  if (error instanceof ApiError) {
    if (error.code === 'invalid_credentials') {
      return { field: 'currentPassword', message: 'The current password is wrong' };
    }
    if (error.code === 'too_many_attempts') {
      const retry = retryAfterSec(error.details);
      const wait = retry ? ` Try again in ${Math.ceil(retry / 60)} min.` : ' Try again later.';
      return { field: null, message: `Too many wrong passwords.${wait}` };
    }
    if (error.code === 'validation_failed' && error.message.includes('newPassword')) {
      return {
        field: 'newPassword',
        message: 'The server refused this password: use at least 12 characters',
      };
    }
    return { field: null, message: error.message };
  }
  return { field: null, message: error instanceof Error ? error.message : String(error) };
}

function retryAfterSec(details: unknown): number | null {
  if (typeof details !== 'object' || details === null || !('retryAfterSec' in details)) return null;
  const value = details.retryAfterSec;
  return typeof value === 'number' && value > 0 ? value : null;
}
