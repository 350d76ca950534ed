import { NewPassword } from '@labmgr/protocol';
import { describe, expect, it } from 'vitest';
import { MIN_PASSWORD_LENGTH, passwordProblem, usernameProblem } from './password-rules.js';

describe('passwordProblem', () => {
  it('says how many characters are missing', () => {
    expect(passwordProblem('short')).toBe('At least 12 characters (7 more)');
    expect(passwordProblem('')).toBe('At least 12 characters (12 more)');
  });

  it('accepts what the server accepts, at the same length', () => {
    const ok = 'x'.repeat(MIN_PASSWORD_LENGTH);
    expect(passwordProblem(ok)).toBeNull();
    expect(NewPassword.safeParse(ok).success).toBe(true);
    expect(NewPassword.safeParse(ok.slice(1)).success).toBe(false);
  });

  it('refuses a password over the limit', () => {
    expect(passwordProblem('x'.repeat(1025))).toBe('At most 1024 characters');
  });
});

describe('usernameProblem', () => {
  it('accepts the server’s usernames', () => {
    expect(usernameProblem('j.doe@school-1')).toBeNull();
  });
  it('explains what is wrong', () => {
    expect(usernameProblem('')).toBe('Enter a username');
    expect(usernameProblem('.hidden')).toMatch(/starting with a letter or digit/);
    expect(usernameProblem('has space')).toMatch(/Letters, digits/);
    expect(usernameProblem('a'.repeat(65))).toBe('At most 64 characters');
  });
});
