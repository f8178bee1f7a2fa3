// The REST client the CLI uses: SWITCHYARD_URL + SWITCHYARD_TOKEN from the environment (lib/env/cli-env.ts).
import { cliEnv } from "../lib/env/cli-env";
import { EnvError, parseEnv } from "../lib/env/parse-env";

export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

export type Client = { request<T = unknown>(method: string, path: string, body?: unknown): Promise<T>; upload<T = unknown>(path: string, form: FormData): Promise<T> };

export function clientFromEnv(rawEnv?: NodeJS.ProcessEnv): Client {
  let env;
  try {
    env = parseEnv(cliEnv, rawEnv);
  } catch (err) {
    if (err instanceof EnvError) throw new ApiError(0, "config", err.problems.join("; "));
    throw err;
  }
  const base = env.SWITCHYARD_URL.replace(/\/$/, "");
  const token = env.SWITCHYARD_TOKEN;
  if (!token) throw new ApiError(0, "config", "SWITCHYARD_TOKEN is not set (create one with `npx switchyard admin create-token` or on the API tokens page)");
  const headers = { authorization: `Bearer ${token}` };
  async function send<T>(method: string, path: string, init: RequestInit): Promise<T> {
    let res: Response;
    try {
      res = await fetch(`${base}${path}`, { method, ...init, headers: { ...headers, ...(init.headers as Record<string, string>) } });
    } catch (err) {
      throw new ApiError(0, "connection", `cannot reach ${base}: ${(err as Error).cause ?? (err as Error).message}`);
    }
    const text = await res.text();
    const json = text ? JSON.parse(text) : null;
    if (!res.ok) throw new ApiError(res.status, json?.error?.code ?? "error", json?.error?.message ?? `HTTP ${res.status}`);
    return json as T;
  }
  return {
    request: (method, path, body) => send(method, path, body === undefined ? {} : { body: JSON.stringify(body), headers: { "content-type": "application/json" } }),
    upload: (path, form) => send("POST", path, { body: form }),
  };
}
