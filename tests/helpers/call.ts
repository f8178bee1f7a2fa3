// Calls a route handler in-process with a real Request, the way Next.js does.
type Handler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;

export type CallOptions = { token?: string; cookie?: string; body?: unknown; rawBody?: BodyInit; headers?: Record<string, string>; params?: Record<string, string> };

export async function call(handler: Handler, method: string, url: string, opts: CallOptions = {}) {
  const headers = new Headers(opts.headers);
  if (opts.token) headers.set("authorization", `Bearer ${opts.token}`);
  if (opts.cookie) headers.set("cookie", opts.cookie);
  // a browser sends its page's origin with every write; the API refuses cookie writes from other origins
  if (opts.cookie && !["GET", "HEAD"].includes(method) && !headers.has("origin")) headers.set("origin", "http://localhost");
  let body: BodyInit | undefined = opts.rawBody;
  if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers.set("content-type", "application/json");
  }
  const req = new Request(`http://localhost${url}`, { method, headers, body, duplex: "half" } as RequestInit);
  const res = await handler(req, { params: Promise.resolve(opts.params ?? {}) });
  const text = await res.text();
  let json: unknown = null;
  try { json = text ? JSON.parse(text) : null; } catch { json = text; }
  return { status: res.status, json: json as any, headers: res.headers }; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export function multipart(file: Uint8Array | null, metadata?: unknown, opts: { fileName?: string } = {}): FormData {
  const form = new FormData();
  if (metadata !== undefined) form.set("metadata", typeof metadata === "string" ? metadata : JSON.stringify(metadata));
  if (file) form.set("file", new Blob([Buffer.from(file)]), opts.fileName ?? "model.onnx");
  return form;
}
