/**
 * A LIKE pattern matching `text` anywhere, lower-cased, with `\`, `%` and `_`
 * escaped: use it with `lower(column) like ${pattern} escape '\'` (both
 * databases; SQLite has no default escape character).
 */
export function likeContains(text: string): string {
  return `%${likeEscape(text.toLowerCase())}%`;
}

/** A LIKE pattern matching values that start with `text` (case kept). */
export function likePrefix(text: string): string {
  return `${likeEscape(text)}%`;
}

function likeEscape(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}
