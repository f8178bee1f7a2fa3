// Browser-side calls to the REST API with the session cookie, scoped to the team in the URL (null: the
// person's own account, any team). The browser adds the Origin header the API checks on writes.
// An error names the input it concerns (`error.field`, e.g. `body.newPassword`); the message a person
// reads is the sentence without that request path in front, and a form can show it next to the field.
export class ApiFetchError extends Error {
  constructor(readonly status: number, message: string, readonly field: string | null = null) {
    super(field && message.startsWith(`${field}: `) ? message.slice(field.length + 2) : message);
  }

  /** The input's name in the form (`newPassword`, `variants.1.version`), without `body.`/`query.`. */
  get input(): string | null {
    return this.field ? this.field.replace(/^(body|query|path|metadata)\./, "") : null;
  }
}

export async function apiFetch<T>(team: string | null, path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  const res = await fetch(path, {
    method: init.method ?? "GET",
    headers: { ...(team ? { "x-switchyard-team": team } : {}), ...(init.body !== undefined ? { "content-type": "application/json" } : {}) },
    body: init.body !== undefined ? JSON.stringify(init.body) : undefined,
  });
  const json = res.status === 204 ? null : await res.json().catch(() => null);
  if (!res.ok) throw new ApiFetchError(res.status, json?.error?.message ?? `HTTP ${res.status}`, typeof json?.error?.field === "string" ? json.error.field : null);
  return json as T;
}
