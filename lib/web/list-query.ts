// A list page's state lives in its URL (?q=&tag=&metric=&sort=&cursor=), so a filtered, sorted page
// can be shared. These read it and build links that change one part of it.
export type SearchParams = Record<string, string | string[] | undefined>;

/** One query value, trimmed; undefined when missing or empty. */
export function param(sp: SearchParams, name: string): string | undefined {
  const v = sp[name];
  const s = (Array.isArray(v) ? v[0] : v)?.trim();
  return s ? s : undefined;
}

/** `base` with the state, changed by `change` (undefined removes a key). */
export function hrefWith(base: string, state: Record<string, string | undefined>, change: Record<string, string | undefined> = {}): string {
  const q = new URLSearchParams(Object.entries({ ...state, ...change }).filter((e): e is [string, string] => e[1] !== undefined && e[1] !== ""));
  const s = q.toString();
  return s ? `${base}?${s}` : base;
}

/** The sort a column header links to: its field ascending, or descending when it is already ascending. */
export function toggledSort(current: string, field: string, descFirst = false): string {
  if (current === field) return `-${field}`;
  if (current === `-${field}`) return field;
  return descFirst ? `-${field}` : field;
}
