import { describe, expect, it } from 'vitest';
import { installRecipes, shellWord } from './install-commands.js';

const input = { server: 'https://labs.example.edu:8080', token: 'lme_abc-DEF_123' };

describe('installRecipes', () => {
  it('enrolls and installs the systemd service on Linux with one state dir', () => {
    const linux = installRecipes(input).find((r) => r.os === 'linux');
    expect(linux?.script.split('\n')).toEqual([
      'sudo labmgr-agent enroll --server https://labs.example.edu:8080 --token lme_abc-DEF_123 --state-dir /var/lib/labmgr/agent',
      'sudo labmgr-agent install-service --state-dir /var/lib/labmgr/agent',
    ]);
    expect(linux?.tested).toBe(true);
  });

  it('prints the launchd plan on macOS and says it is untested', () => {
    const macos = installRecipes(input).find((r) => r.os === 'macos');
    expect(macos?.script).toContain('install-service --state-dir /var/db/labmgr/agent --dry-run');
    expect(macos?.tested).toBe(false);
  });

  it('follows the NSSM recipe on Windows, quoting paths with spaces', () => {
    const windows = installRecipes(input).find((r) => r.os === 'windows');
    const lines = windows?.script.split('\n') ?? [];
    expect(lines[0]).toBe(
      'node C:\\labmgr\\packages\\agent\\bin\\labmgr-agent.js enroll --server https://labs.example.edu:8080 --token lme_abc-DEF_123 --state-dir C:\\ProgramData\\labmgr\\agent',
    );
    expect(lines[1]).toBe(
      'nssm install labmgr-agent "C:\\Program Files\\nodejs\\node.exe" C:\\labmgr\\packages\\agent\\bin\\labmgr-agent.js run --state-dir C:\\ProgramData\\labmgr\\agent',
    );
    expect(lines.at(-1)).toBe('nssm start labmgr-agent');
    expect(windows?.tested).toBe(false);
  });

  it('pins a fingerprint when one is given', () => {
    for (const recipe of installRecipes({ ...input, fingerprint: ' AB:CD:EF ' })) {
      expect(recipe.script).toContain('--fingerprint AB:CD:EF');
    }
    expect(installRecipes({ ...input, fingerprint: '  ' })[0]?.script).not.toContain('--fingerprint');
  });
});

describe('shellWord', () => {
  it('leaves plain words alone and single-quotes the rest', () => {
    expect(shellWord('/var/lib/x')).toBe('/var/lib/x');
    expect(shellWord("it's here")).toBe("'it'\\''s here'");
  });
});
