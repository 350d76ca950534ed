/**
 * Parses /etc/os-release (shell-style `KEY=value`, values optionally quoted,
 * `#` comments) into a map.
 */
export function parseOsRelease(text: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    fields.set(line.slice(0, eq), unquote(line.slice(eq + 1)));
  }
  return fields;
}

function unquote(value: string): string {
  const quote = value[0];
  if ((quote === '"' || quote === "'") && value.endsWith(quote) && value.length >= 2) {
    const inner = value.slice(1, -1);
    return quote === '"' ? inner.replace(/\\(["\\$`])/g, '$1') : inner;
  }
  return value;
}

/** The OS name and version the inventory shows, e.g. "Debian GNU/Linux" and "12". */
export function osNameAndVersion(fields: ReadonlyMap<string, string>): { name: string; version: string } {
  return {
    name: fields.get('NAME') ?? fields.get('PRETTY_NAME') ?? 'Linux',
    version: fields.get('VERSION_ID') ?? fields.get('VERSION') ?? fields.get('BUILD_ID') ?? '',
  };
}
