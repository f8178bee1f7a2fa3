// Domain errors carry a code and the field they concern in the domain function's own terms;
// only lib/api turns them into statuses and request paths.
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { AppError } from "../../lib/errors";
import { errorResponse, parse } from "../../lib/api/handle";

const read = async (res: Response) => ({ status: res.status, headers: res.headers, json: (await res.json()) as { error: { code: string; message: string; field?: string } } });

describe("error mapping", () => {
  it("names a domain error's field as a request path, under the part of the request it came from", async () => {
    const err = new AppError("unprocessable", 'model "credit" has no version 9', { field: "variants.1.version" });
    const body = await read(errorResponse(err));
    expect(body.status).toBe(422);
    expect(body.json.error).toEqual({ code: "unprocessable", message: 'body.variants.1.version: model "credit" has no version 9', field: "body.variants.1.version" });
    const upload = await read(errorResponse(new AppError("bad_request", "version 9 does not exist", { field: "parentVersion" }), "metadata"));
    expect(upload.json.error).toEqual({ code: "bad_request", message: "metadata.parentVersion: version 9 does not exist", field: "metadata.parentVersion" });
  });

  it("reports the same error in domain terms outside HTTP (jobs, CLI)", () => {
    const err = new AppError("bad_request", "a canary needs a version that is not serving yet", { field: "strategy" });
    expect(err.describe()).toBe("strategy: a canary needs a version that is not serving yet");
    expect(err.message).not.toMatch(/body/);
  });

  it("keeps errors without a field as they are, and maps every code to its status", async () => {
    const cases: [AppError, number][] = [
      [new AppError("bad_request", "x"), 400], [new AppError("unauthorized", "x"), 401], [new AppError("forbidden", "x"), 403],
      [new AppError("not_found", "x"), 404], [new AppError("conflict", "x"), 409], [new AppError("payload_too_large", "x"), 413],
      [new AppError("unprocessable", "x"), 422], [new AppError("rate_limited", "x", { retryAfterSeconds: 17 }), 429], [new AppError("unavailable", "x"), 503],
    ];
    for (const [err, status] of cases) {
      const r = await read(errorResponse(err));
      expect(r.status, err.code).toBe(status);
      expect(r.json.error).toEqual({ code: err.code, message: "x" });
    }
    expect((await read(errorResponse(cases[7][0]))).headers.get("retry-after")).toBe("17");
  });

  it("hides unexpected errors behind a 500 without their message", async () => {
    const r = await read(errorResponse(new Error("password=hunter2 at /srv/app")));
    expect(r.status).toBe(500);
    expect(r.json.error).toEqual({ code: "internal", message: "internal error" });
  });

  it("names the first bad input of a request that fails its schema", async () => {
    const schema = z.object({ variants: z.array(z.object({ weight: z.number() })) });
    let thrown: unknown;
    try { parse(schema, { variants: [{ weight: 1 }, { weight: "x" }] }, "body"); } catch (err) { thrown = err; }
    const r = await read(errorResponse(thrown));
    expect(r.status).toBe(400);
    expect(r.json.error.field).toBe("body.variants.1.weight");
    expect(r.json.error.message).toMatch(/^body\.variants\.1\.weight: /);
  });
});
