// The one wrapper every REST route goes through: authenticate (bearer token or session),
// authorize (ask lib/auth/policy.ts about the contract's action), parse params/query/body with the
// contract's zod schemas, and map every failure to {"error":{"code","message"}} with its status.
import { z } from "zod";
import type { Contract } from "./contract";
import type { Principal } from "../auth/principal";
import { ensureCan } from "../auth/policy";
import { AppError, type ErrorCode } from "../errors";
import { ERROR_STATUS } from "./error-status";
import { authenticateToken } from "../tokens/authenticate-token";
import { readSession, readCookie } from "../auth/session-cookie";
import { resolveMember } from "../auth/resolve-member";
import { getServices, type Services } from "../services";
import { createLogger } from "../log";
import { takeRequest } from "./rate-limit";
import { changePassword } from "./contracts/account";
import { jsonDepthExceeds } from "../json-depth";

const MAX_BODY_DEPTH = 32;

const log = createLogger("api");

type Infer<T> = T extends z.ZodType ? z.infer<T> : undefined;

export type HandlerContext<C extends Contract> = {
  req: Request;
  principal: C["auth"] extends "public" ? null : Principal;
  params: Infer<C["params"]>;
  query: Infer<C["query"]>;
  body: Infer<C["body"]>;
  /** the exact body of a `rawForm` contract (form-encoded text), for signature checks */
  rawBody: C["rawForm"] extends object ? string : undefined;
  services: Services;
};

type RouteContext = { params?: Promise<Record<string, string | string[]>> };

export const TEAM_HEADER = "x-switchyard-team";

export function route<C extends Contract>(contract: C, handler: (ctx: HandlerContext<C>) => Promise<unknown>) {
  return async (req: Request, routeCtx?: RouteContext): Promise<Response> => {
    try {
      const services = getServices();
      const principal = contract.auth === "public" ? null : await authorize(req, contract, services);
      const rawParams = (await routeCtx?.params) ?? {};
      const params = contract.params ? parse(contract.params, rawParams, "path") : undefined;
      const query = contract.query ? parse(contract.query, Object.fromEntries(new URL(req.url).searchParams), "query") : undefined;
      const body = contract.body ? parse(contract.body, await readJson(req, services.config.maxJsonBytes), "body") : undefined;
      const rawBody = contract.rawForm ? await readRawForm(req, contract.rawForm) : undefined;
      const result = await handler({ req, principal, params, query, body, rawBody, services } as HandlerContext<C>);
      if (result instanceof Response) return result;
      if (result === undefined) return new Response(null, { status: 204 });
      return Response.json(result, { status: contract.status ?? 200 });
    } catch (err) {
      return errorResponse(err, contract.fieldsIn ?? "body");
    }
  };
}

async function authorize(req: Request, contract: Contract, services: Services): Promise<Principal> {
  if (contract.auth === "public") throw new Error("unreachable");
  const header = req.headers.get("authorization");
  let principal: Principal;
  if (header) {
    const m = /^Bearer\s+(\S+)$/i.exec(header);
    if (!m) throw new AppError("unauthorized", "Authorization header must be 'Bearer <token>'");
    principal = await authenticateToken({ db: services.db, token: m[1] });
    const budget = await takeRequest(services.redis, principal.id, services.config.rateLimitPerMinute);
    if (!budget.allowed) {
      throw new AppError("rate_limited", `this token made more than ${services.config.rateLimitPerMinute} requests this minute (API_RATE_LIMIT_PER_MINUTE)`, { retryAfterSeconds: budget.retryAfterSeconds });
    }
    const askedTeam = req.headers.get(TEAM_HEADER);
    if (askedTeam && askedTeam !== principal.teamSlug) throw new AppError("forbidden", `this token belongs to team "${principal.teamSlug}", not "${askedTeam}"`);
  } else {
    const session = await readSession(req.headers.get("cookie"), services.config.authSecret);
    if (!session) throw new AppError("unauthorized", "sign in or send 'Authorization: Bearer <token>'");
    ensureSameOriginWrite(req, contract, services.config.appUrl);
    const teamSlug = req.headers.get(TEAM_HEADER) ?? new URL(req.url).searchParams.get("team") ?? readCookie(req.headers.get("cookie"), "sy_team");
    // a cookie from before the user's last password change or reset is refused here (401)
    const member = await resolveMember({ db: services.db, userId: session.userId, teamSlug, sessionVersion: session.version });
    if (member.mustChangePassword && contract.auth.action !== "password.change") {
      throw new AppError("forbidden", `change your first password before anything else: POST ${changePassword.path} with {"currentPassword", "newPassword"} (in the browser: /change-password)`);
    }
    principal = member;
  }
  // Resource-dependent rules (production endpoints) are asked again by the domain function once it has the resource.
  ensureCan(principal, contract.auth.action);
  return principal;
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * A browser sends the session cookie with any request to this site, including one a page on another
 * site makes (a form post, a fetch): writes with the cookie must come from the app's own origin
 * (NEXTAUTH_URL, or the request's own when unset) and carry the content type the operation takes,
 * which a cross-site form cannot send without the browser asking first. Bearer tokens are not sent
 * by browsers on their own, so token calls are not checked.
 */
function ensureSameOriginWrite(req: Request, contract: Contract, appUrl: string | undefined): void {
  if (SAFE_METHODS.has(req.method.toUpperCase())) return;
  const expected = new URL(appUrl ?? req.url).origin;
  const origin = req.headers.get("origin");
  if (!origin) {
    throw new AppError("forbidden", `a write with a session cookie needs an Origin header (${expected}); browsers send it, scripts should use 'Authorization: Bearer <token>'`);
  }
  if (origin !== expected) {
    throw new AppError("forbidden", `a write with a session cookie must come from this app's own pages (${expected}), not from ${origin.slice(0, 200)}`);
  }
  const type = (req.headers.get("content-type") ?? "").split(";")[0].trim().toLowerCase();
  const needed = contract.multipart ? "multipart/form-data" : contract.body || type ? "application/json" : null;
  if (needed && type !== needed) {
    throw new AppError("forbidden", `a write with a session cookie must send content-type ${needed}, not ${type ? type.slice(0, 100) : "none"}`);
  }
}

/**
 * The body, read while counting: a declared length over the limit is refused before reading, and a
 * body that grows past it is cancelled at once, so no body is buffered beyond the limit.
 */
async function readLimited(req: Request, maxBytes: number, limitName: string): Promise<Buffer> {
  const tooLarge = () => new AppError("payload_too_large", `body is larger than the limit of ${maxBytes} bytes (${limitName})`);
  if (Number(req.headers.get("content-length") ?? 0) > maxBytes) {
    await req.body?.cancel().catch(() => {});
    throw tooLarge();
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (req.body) {
    const reader = req.body.getReader();
    for (;;) {
      let next: ReadableStreamReadResult<Uint8Array>;
      try {
        next = await reader.read();
      } catch {
        throw new AppError("bad_request", "body: the request did not complete");
      }
      if (next.done) break;
      size += next.value.byteLength;
      if (size > maxBytes) {
        await reader.cancel().catch(() => {});
        throw tooLarge();
      }
      chunks.push(next.value);
    }
  }
  return Buffer.concat(chunks);
}

async function readJson(req: Request, maxBytes: number): Promise<unknown> {
  const bytes = await readLimited(req, maxBytes, "API_MAX_JSON_BYTES");
  // no REST body nests deeply; refusing before JSON.parse keeps any recursive walk of it cheap
  if (jsonDepthExceeds(bytes, MAX_BODY_DEPTH)) throw new AppError("bad_request", `body: nests arrays and objects deeper than ${MAX_BODY_DEPTH} levels`);
  const text = bytes.toString("utf8");
  if (!text.trim()) throw new AppError("bad_request", "body: a JSON body is required");
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError("bad_request", "body: malformed JSON");
  }
}

const FORM_TYPE = "application/x-www-form-urlencoded";

/** The form-encoded body as sent (UTF-8 text), for a handler that verifies a signature over it before parsing. */
async function readRawForm(req: Request, form: NonNullable<Contract["rawForm"]>): Promise<string> {
  const type = (req.headers.get("content-type") ?? "").split(";")[0].trim().toLowerCase();
  if (type !== FORM_TYPE) {
    await req.body?.cancel().catch(() => {});
    throw new RequestError(`body: must be ${FORM_TYPE} (${Object.keys(form.fields).map((f) => `${f}=…`).join("&")}), not ${type ? type.slice(0, 100) : "no content type"}`, "body");
  }
  const bytes = await readLimited(req, form.maxBytes, "this route's limit");
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new RequestError("body: not UTF-8 text", "body");
  }
}

/** A request that failed its schema: message and field are already in request terms. */
export class RequestError extends AppError {
  constructor(message: string, readonly requestField: string, code: ErrorCode = "bad_request") {
    super(code, message);
  }
}

/**
 * A domain error about a file part (field = the part's name, e.g. `reference`) named as that part: a
 * part is not inside the metadata, where the route's other domain errors are (`fieldsIn`).
 */
export function partError(err: unknown, part: string): unknown {
  return err instanceof AppError && err.field === part && !(err instanceof RequestError) ? new RequestError(err.message, part, err.code) : err;
}

export function parse<T extends z.ZodType>(schema: T, value: unknown, where: string): z.infer<T> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const first = r.error.issues[0];
  throw new RequestError(describeZodError(r.error, where), [where, ...(first?.path ?? []).map(String)].join("."));
}

export function describeZodError(error: z.ZodError, where: string): string {
  return error.issues
    .slice(0, 3)
    .map((i) => `${[where, ...i.path.map(String)].join(".")}: ${i.message}`)
    .join("; ");
}

/**
 * Maps any error to `{"error":{"code","message"[,"field"]}}` and its status. A domain error's field
 * is a path in the domain function's input; `fieldsIn` says where that input sits in the request.
 */
export function errorResponse(err: unknown, fieldsIn = "body"): Response {
  if (err instanceof AppError) {
    const located = err instanceof RequestError;
    const field = located ? err.requestField : err.field ? `${fieldsIn}.${err.field}` : undefined;
    const headers: Record<string, string> = err.retryAfterSeconds !== undefined ? { "retry-after": String(err.retryAfterSeconds) } : {};
    const message = withoutServerPaths(located ? err.message : err.describe(fieldsIn));
    return Response.json({ error: { code: err.code, message, ...(field ? { field } : {}) } }, { status: ERROR_STATUS[err.code], headers });
  }
  log.error({ err }, "unhandled error in API route");
  return Response.json({ error: { code: "internal", message: "internal error" } }, { status: 500 });
}

// A file path that starts a word — absolute (POSIX, `file:` URL, Windows drive) or relative to
// the working directory (`./`, `../`, `.data/`, `~/`): a temp file, the artifact store, a library's source
// file. Messages from libraries (onnxruntime's "Load model from /tmp/… failed") carry them; a client
// never needs them.
const SERVER_PATH = /(^|[\s"'`([=,:])(?:file:\/\/)?(?:\/(?=[^\s/])(?!(?:api|v1|v2|t|cli|signin|change-password|healthz|metrics)(?:[/\s"'`)\],;]|$))|\.[\w.-]*\/|~\/|[A-Za-z]:\\)[^\s"'`)\],;]*/g;

/** A message fit for a client: every absolute server path replaced by `<path>` (the app's own URLs, `/api/…`, stay). */
export function withoutServerPaths(message: string): string {
  return message.replace(SERVER_PATH, (_, lead: string) => `${lead}<path>`);
}
