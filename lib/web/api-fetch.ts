// Browser-side calls to the REST API with the session cookie, scoped to the team in the URL.
export class ApiFetchError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

export async function apiFetch<T>(team: string, path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  const res = await fetch(path, {
    method: init.method ?? "GET",
    headers: { "x-switchyard-team": team, ...(init.body !== undefined ? { "content-type": "application/json" } : {}) },
    body: init.body !== undefined ? JSON.stringify(init.body) : undefined,
  });
  const json = await res.json().catch(() => null);
  if (!res.ok) throw new ApiFetchError(res.status, json?.error?.message ?? `HTTP ${res.status}`);
  return json as T;
}
