// Issue 7 hardening, upload validator and sign-in: (1) a web process runs at most
// MODEL_VALIDATION_CONCURRENCY validator processes at once and queues MODEL_VALIDATION_QUEUE more
// uploads; further uploads get 503 with Retry-After and leave nothing behind; (3) a sign-in with an
// unknown email costs a bcrypt comparison like a wrong password does, so timing does not tell which
// emails have accounts.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { CredentialsConfig } from "next-auth/providers/credentials";
import { getDb } from "@/lib/db/client";
import { call, multipart } from "../helpers/call";
import { makeWorld, type World } from "../helpers/world";
import { matmulChainModel } from "../helpers/hostile-models";

const CONCURRENCY = 2;
const QUEUE = 2;
const VALIDATION_LIMIT_MS = 3000;
// The web's limits (lib/env/web-env.ts), read when the routes first build their services.
process.env.MODEL_VALIDATION_CONCURRENCY = String(CONCURRENCY);
process.env.MODEL_VALIDATION_QUEUE = String(QUEUE);
process.env.MODEL_VALIDATION_TIMEOUT_MS = String(VALIDATION_LIMIT_MS);

const db = getDb();
let w: World;
let routes: {
  models: typeof import("@/app/api/v1/models/route");
  versions: typeof import("@/app/api/v1/models/[model]/versions/route");
};

/** This process's validator children (lib/onnx/inspect-model-process.ts), from /proc. */
function validators(): number[] {
  const pids = readFileSync(`/proc/${process.pid}/task/${process.pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);
  return pids.filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("inspect-model-process") && !/State:\s+Z/.test(readFileSync(`/proc/${pid}/status`, "utf8"));
    } catch {
      return false; // gone meanwhile
    }
  });
}

const tempFiles = () => {
  try {
    return readdirSync(path.join(process.env.ARTIFACT_DIR!, "tmp"));
  } catch {
    return [];
  }
};

beforeAll(async () => {
  routes = {
    models: await import("@/app/api/v1/models/route"),
    versions: await import("@/app/api/v1/models/[model]/versions/route"),
  };
  w = await makeWorld("vlim");
  expect((await call(routes.models.POST, "POST", "/api/v1/models", { token: w.tokens.write, body: { name: "slow" } })).status).toBe(201);
}, 60_000);

describe("upload validation is bounded per web process", () => {
  it(`runs at most ${CONCURRENCY} validators at once, queues ${QUEUE} uploads, refuses the rest with 503 and Retry-After`, async () => {
    const bytes = matmulChainModel(); // session creation takes tens of seconds: each check runs to its time limit
    const tempBefore = tempFiles();
    let maxAlive = 0;
    const sampler = setInterval(() => { maxAlive = Math.max(maxAlive, validators().length); }, 20);
    const n = CONCURRENCY + QUEUE + 1;
    const t0 = performance.now();
    const answers = await Promise.all(
      Array.from({ length: n }, () =>
        call(routes.versions.POST, "POST", "/api/v1/models/slow/versions", { token: w.tokens.write, rawBody: multipart(bytes, { metrics: {} }), params: { model: "slow" } }),
      ),
    );
    const elapsed = performance.now() - t0;
    clearInterval(sampler);

    const statuses = answers.map((a) => a.status).sort();
    expect(statuses, JSON.stringify(answers.map((a) => a.json))).toEqual([...Array(CONCURRENCY + QUEUE).fill(422), 503]);
    expect(maxAlive).toBeGreaterThan(0);
    expect(maxAlive).toBeLessThanOrEqual(CONCURRENCY);
    // the queued ones ran after the first ones: two rounds of the time limit
    expect(elapsed).toBeGreaterThanOrEqual(2 * VALIDATION_LIMIT_MS);

    const busy = answers.find((a) => a.status === 503)!;
    expect(busy.json.error.code).toBe("unavailable");
    expect(busy.json.error.message).toMatch(/model validation is busy.*try again shortly/);
    expect(busy.headers.get("retry-after")).toBe("5");
    for (const a of answers.filter((x) => x.status === 422)) expect(a.json.error.message).toContain("MODEL_VALIDATION_TIMEOUT_MS");

    // nothing left behind: no validator, no temp file, no version
    expect(validators()).toEqual([]);
    expect(tempFiles()).toEqual(tempBefore);
    expect(await db.modelVersion.count({ where: { model: { teamId: w.teamId, name: "slow" } } })).toBe(0);
  }, 60_000);
});

describe("credentials sign-in", () => {
  it("takes about as long for an unknown email as for a wrong password", async () => {
    const { authOptions } = await import("@/lib/auth/auth-options");
    const provider = authOptions().providers.find((p) => p.id === "credentials") as unknown as { options: CredentialsConfig };
    const authorize = (email: string, password: string) => provider.options.authorize!({ email, password }, {} as never);
    const median = async (email: string) => {
      const ms: number[] = [];
      for (let i = 0; i < 5; i++) {
        const t = performance.now();
        expect(await authorize(email, "wrong-password")).toBeNull();
        ms.push(performance.now() - t);
      }
      return ms.sort((a, b) => a - b)[2];
    };
    const known = w.people.viewer.email;
    await median(known); // warm up (database connection, bcrypt)
    const knownMs = await median(known);
    const unknownMs = await median(`nobody-${w.slug}@example.test`);
    expect(unknownMs, `unknown ${unknownMs.toFixed(1)} ms, known ${knownMs.toFixed(1)} ms`).toBeGreaterThanOrEqual(knownMs * 0.5);
    // and the right password still signs in
    expect(await authorize(known, "password-123")).toMatchObject({ email: known });
  });
});
