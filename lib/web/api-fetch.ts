// Browser-side calls to the REST API with the session cookie, scoped to the team in the URL (null: the
// person's own account, any team). The browser adds the Origin header the API checks on writes.
export class ApiFetchError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

export async function apiFetch<T>(team: string | null, path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  const res = await fetch(path, {
    method: init.method ?? "GET",
    headers: { ...(team ? { "x-switchyard-team": team } : {}), ...(init.body !== undefined ? { "content-type": "application/json" } : {}) },
    body: init.body !== undefined ? JSON.stringify(init.body) : undefined,
  });
  const json = res.status === 204 ? null : await res.json().catch(() => null);
  if (!res.ok) throw new ApiFetchError(res.status, json?.error?.message ?? `HTTP ${res.status}`);
  return json as T;
}
