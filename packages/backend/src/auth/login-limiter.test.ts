import { describe, expect, it } from 'vitest';
import { LoginLimiter } from './login-limiter.js';

describe('LoginLimiter', () => {
  it('blocks after the maximum failures and frees the key when the window passes', () => {
    let now = 0;
    const limiter = new LoginLimiter(3, 1000, () => now);
    for (let i = 0; i < 3; i++) {
      expect(limiter.blockedFor('ip|alice')).toBe(0);
      limiter.fail('ip|alice');
    }
    expect(limiter.blockedFor('ip|alice')).toBe(1000);
    expect(limiter.blockedFor('ip|bob')).toBe(0);
    now = 999;
    expect(limiter.blockedFor('ip|alice')).toBe(1);
    now = 1000;
    expect(limiter.blockedFor('ip|alice')).toBe(0);
  });

  it('forgets failures after a success', () => {
    const limiter = new LoginLimiter(2, 1000, () => 0);
    limiter.fail('k');
    limiter.succeed('k');
    limiter.fail('k');
    expect(limiter.blockedFor('k')).toBe(0);
  });
});
