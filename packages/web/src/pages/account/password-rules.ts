import { NewPassword, Username } from '@labmgr/protocol';

/** The server's rule for new passwords (`NewPassword`: 12 to 1024 characters). */
export const MIN_PASSWORD_LENGTH = 12;
const MAX_PASSWORD_LENGTH = 1024;

/** Why a new password would be refused, in words; null when the server will take it. */
export function passwordProblem(password: string): string | null {
  if (password.length < MIN_PASSWORD_LENGTH) {
    const missing = MIN_PASSWORD_LENGTH - password.length;
    return `At least ${MIN_PASSWORD_LENGTH} characters (${missing} more)`;
  }
  if (password.length > MAX_PASSWORD_LENGTH) return `At most ${MAX_PASSWORD_LENGTH} characters`;
  return NewPassword.safeParse(password).success ? null : 'The server will not accept this password';
}

/** Why a username would be refused; null when it fits the server's rule. */
export function usernameProblem(username: string): string | null {
  if (username.length === 0) return 'Enter a username';
  const parsed = Username.safeParse(username);
  if (parsed.success) return null;
  if (username.length > 64) return 'At most 64 characters';
  return 'Letters, digits and . _ @ - only, starting with a letter or digit';
}
