import type { ScriptParameter } from '@labmgr/protocol';

type Shell = 'sh' | 'bash' | 'powershell' | 'cmd';

/**
 * The text a library script runs as: one assignment per parameter, then the
 * body. Values are quoted for the shell so that nothing in them is code:
 * POSIX shells in single quotes (`'` written as `'\''`), PowerShell in single
 * quotes with every kind of single quote doubled (it treats ‘ ’ ‚ ‛ as quotes
 * too). `cmd` has no quoting that holds for every value, so its scripts take
 * no parameters (use PowerShell).
 */
export function scriptText(
  shell: Shell,
  body: string,
  params: readonly { name: string; value: string }[],
): string {
  if (params.length === 0) return body;
  if (shell === 'cmd') throw new Error('cmd scripts take no parameters');
  const quote =
    shell === 'powershell'
      ? (value: string) => `'${value.replace(/['\u2018\u2019\u201a\u201b]/g, (q) => q + q)}'`
      : (value: string) => `'${value.replace(/'/g, `'\\''`)}'`;
  const lines = params.map(({ name, value }) =>
    shell === 'powershell' ? `$${name} = ${quote(value)}` : `${name}=${quote(value)}`,
  );
  return `${lines.join('\n')}\n${body}`;
}

/**
 * The values for a script's parameters from a request: defaults filled in;
 * unknown names, missing required ones and NUL characters refused with the
 * field named.
 */
export function resolveParams(
  declared: readonly ScriptParameter[],
  given: Readonly<Record<string, string>>,
): { ok: true; values: { name: string; value: string }[] } | { ok: false; field: string; reason: string } {
  for (const name of Object.keys(given)) {
    if (!declared.some((p) => p.name === name))
      return { ok: false, field: `params.${name}`, reason: 'not a parameter of this script' };
  }
  const values: { name: string; value: string }[] = [];
  for (const p of declared) {
    const value = given[p.name] ?? p.default;
    if (value === null || value === undefined) {
      if (p.required) return { ok: false, field: `params.${p.name}`, reason: 'required' };
      values.push({ name: p.name, value: '' });
      continue;
    }
    if (value.includes('\0'))
      return { ok: false, field: `params.${p.name}`, reason: 'contains a NUL character' };
    values.push({ name: p.name, value });
  }
  return { ok: true, values };
}
