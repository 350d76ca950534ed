import { describe, expect, it } from 'vitest';
import { installRecipes, psWord, shellWord } from './install-commands.js';

const input = { server: 'https://labs.example.edu:8080', token: 'lme_abc-DEF_123' };
const recipe = (os: string, given = input) => installRecipes(given).find((r) => r.os === os);

describe('installRecipes', () => {
  it('downloads the agent from this server and installs it with one line on Linux', () => {
    const linux = recipe('linux');
    expect(linux?.script).toBe(
      'curl -fsSL https://labs.example.edu:8080/api/v1/agent-package/install.sh | sudo sh -s -- --token lme_abc-DEF_123',
    );
    expect(linux?.note).toMatch(/Node\.js 20\+/);
    expect(linux?.tested).toBe(true);
  });

  it('uses the same installer on macOS (it prints the launchd plan) and says it is untested', () => {
    const macos = recipe('macos');
    expect(macos?.script).toBe(recipe('linux')?.script);
    expect(macos?.note).toMatch(/launchd plist/);
    expect(macos?.tested).toBe(false);
  });

  it('drops a trailing slash from the server', () => {
    expect(recipe('linux', { ...input, server: 'http://10.0.0.5:8080/' })?.script).toContain(
      'curl -fsSL http://10.0.0.5:8080/api/v1/agent-package/install.sh |',
    );
  });

  it('downloads the same files with PowerShell on Windows, checks their SHA-256, then follows the NSSM recipe', () => {
    const windows = recipe('windows');
    const lines = windows?.script.split('\n') ?? [];
    expect(lines[0]).toBe("$ErrorActionPreference = 'Stop'");
    expect(lines).toContain("$server = 'https://labs.example.edu:8080'");
    expect(lines).toContain('$agent = Invoke-RestMethod "$server/api/v1/agent-package"');
    expect(lines).toContain('  $dest = Join-Path C:\\labmgr $f.path');
    expect(lines).toContain('  Invoke-WebRequest -UseBasicParsing "$server$($f.url)" -OutFile $dest');
    expect(lines.some((l) => l.includes('Get-FileHash $dest -Algorithm SHA256') && l.includes('throw'))).toBe(
      true,
    );
    expect(lines).toContain(
      'node C:\\labmgr\\bin\\labmgr-agent.js enroll --server https://labs.example.edu:8080 --token lme_abc-DEF_123 --state-dir C:\\ProgramData\\labmgr\\agent',
    );
    expect(lines).toContain(
      "nssm install labmgr-agent 'C:\\Program Files\\nodejs\\node.exe' C:\\labmgr\\bin\\labmgr-agent.js run --state-dir C:\\ProgramData\\labmgr\\agent",
    );
    expect(lines.at(-1)).toBe('nssm start labmgr-agent');
    expect(windows?.tested).toBe(false);
    expect(windows?.note).toMatch(/^Untested PowerShell/);
  });

  it('turns TLS 1.2 on for an https server only (Windows PowerShell 5.1 may not offer it)', () => {
    expect(recipe('windows')?.script).toContain('[Net.SecurityProtocolType]::Tls12');
    expect(recipe('windows', { ...input, server: 'http://10.0.0.5:8080' })?.script).not.toContain('Tls12');
  });

  it('pins a fingerprint when one is given, and says curl must trust the certificate', () => {
    const pinned = installRecipes({ ...input, fingerprint: ' AB:CD:EF ' });
    expect(pinned.find((r) => r.os === 'linux')?.script).toBe(
      'curl -fsSL https://labs.example.edu:8080/api/v1/agent-package/install.sh | sudo sh -s -- --token lme_abc-DEF_123 --fingerprint AB:CD:EF',
    );
    expect(pinned.find((r) => r.os === 'linux')?.note).toContain('tls/ca.crt');
    expect(pinned.find((r) => r.os === 'windows')?.script).toContain(
      '--token lme_abc-DEF_123 --fingerprint AB:CD:EF --state-dir',
    );
    for (const r of installRecipes({ ...input, fingerprint: '  ' })) {
      expect(r.script).not.toContain('--fingerprint');
      expect(r.note).not.toContain('ca.crt');
    }
  });

  it('quotes a token with unusual characters for each shell', () => {
    const odd = installRecipes({ ...input, token: "lme_it's $x" });
    expect(odd.find((r) => r.os === 'linux')?.script).toContain(`--token 'lme_it'\\''s $x'`);
    expect(odd.find((r) => r.os === 'windows')?.script).toContain(`--token 'lme_it''s $x'`);
  });
});

describe('shellWord', () => {
  it('leaves plain words alone and single-quotes the rest', () => {
    expect(shellWord('/var/lib/x')).toBe('/var/lib/x');
    expect(shellWord("it's here")).toBe("'it'\\''s here'");
  });
});

describe('psWord', () => {
  it('leaves plain words and paths alone; single-quotes the rest, doubling every kind of single quote', () => {
    expect(psWord('C:\\labmgr\\bin\\labmgr-agent.js')).toBe('C:\\labmgr\\bin\\labmgr-agent.js');
    expect(psWord('C:\\Program Files\\x')).toBe("'C:\\Program Files\\x'");
    expect(psWord('a,b')).toBe("'a,b'");
    expect(psWord('@splat')).toBe("'@splat'");
    expect(psWord('it’s')).toBe("'it’’s'");
  });
});
