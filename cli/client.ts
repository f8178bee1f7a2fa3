// The REST client the CLI uses: SWITCHYARD_URL + SWITCHYARD_TOKEN (lib/env/cli-connection.ts). It is
// bundled into the served CLI, so it imports nothing but Node's own modules and small plain code.
import { CliEnvError, readCliConnection } from "../lib/env/cli-connection";
import { UsageError } from "./errors";

export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

export type Client = { request<T = unknown>(method: string, path: string, body?: unknown): Promise<T>; upload<T = unknown>(path: string, form: FormData, method?: "POST" | "PUT"): Promise<T> };

/** The environment is checked on the first request, so bad arguments are reported before a missing token. */
export function clientFromEnv(rawEnv?: NodeJS.ProcessEnv): Client {
  const connection = () => {
    let env;
    try {
      env = readCliConnection(rawEnv);
    } catch (err) {
      if (err instanceof CliEnvError) throw new UsageError(err.message);
      throw err;
    }
    const token = env.token;
    if (!token) throw new UsageError("SWITCHYARD_TOKEN is not set (create a token on the web app's API tokens page, or in the repository with `npm run cli -- admin create-token`)");
    return { base: env.url.replace(/\/+$/, ""), headers: { authorization: `Bearer ${token}` } };
  };
  async function send<T>(method: string, path: string, init: RequestInit): Promise<T> {
    const { base, headers } = connection();
    let res: Response;
    try {
      res = await fetch(`${base}${path}`, { method, ...init, headers: { ...headers, ...(init.headers as Record<string, string>) } });
    } catch (err) {
      throw new ApiError(0, "connection", `cannot reach ${base}: ${(err as Error).cause ?? (err as Error).message}`);
    }
    const text = await res.text();
    let json: { error?: { code?: string; message?: string } } | null = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      throw new ApiError(res.status, "not_json", `${method} ${base}${path} answered HTTP ${res.status} with something other than JSON; is SWITCHYARD_URL the Switchyard web app?`);
    }
    if (!res.ok) throw new ApiError(res.status, json?.error?.code ?? "error", json?.error?.message ?? `HTTP ${res.status}`);
    return json as T;
  }
  return {
    request: (method, path, body) => send(method, path, body === undefined ? {} : { body: JSON.stringify(body), headers: { "content-type": "application/json" } }),
    upload: (path, form, method = "POST") => send(method, path, { body: form }),
  };
}
