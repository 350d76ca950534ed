import { describe, expect, it } from 'vitest';
import { ApiError } from '../../api/client.js';
import { passwordChangeError } from './password-errors.js';

describe('passwordChangeError', () => {
  it('puts a wrong current password under that field', () => {
    const error = new ApiError(403, 'invalid_credentials', 'the current password is wrong');
    expect(passwordChangeError(error)).toEqual({
      field: 'currentPassword',
      message: 'The current password is wrong',
    });
  });

  it('says how long to wait after too many attempts', () => {
    const error = new ApiError(429, 'too_many_attempts', 'too many', { retryAfterSec: 600 });
    expect(passwordChangeError(error)).toEqual({
      field: null,
      message: 'Too many wrong passwords. Try again in 10 min.',
    });
  });

  it('puts a refused new password under the new password', () => {
    const error = new ApiError(400, 'validation_failed', 'body.newPassword: Too small');
    expect(passwordChangeError(error).field).toBe('newPassword');
  });

  it('shows anything else as the server said it', () => {
    expect(passwordChangeError(new ApiError(0, 'network', 'Cannot reach the server.'))).toEqual({
      field: null,
      message: 'Cannot reach the server.',
    });
  });
});
