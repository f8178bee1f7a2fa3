import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import * as openapi from "@/app/api/v1/openapi.json/route";
import { call } from "./helpers/call";

function routeFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = path.join(dir, d.name);
    return d.isDirectory() ? routeFiles(p) : d.name === "route.ts" ? [p] : [];
  });
}

describe("OpenAPI document", () => {
  it("describes every route file and verb under app/api/v1, from the same zod schemas", async () => {
    const r = await call(openapi.GET, "GET", "/api/v1/openapi.json");
    expect(r.status).toBe(200);
    expect(r.json.openapi).toBe("3.1.0");
    const root = path.resolve("app");
    for (const file of routeFiles(path.join(root, "api/v1"))) {
      const urlPath = "/" + path.relative(root, path.dirname(file)).replace(/\[(\w+)\]/g, "{$1}");
      const verbs = [...readFileSync(file, "utf8").matchAll(/export const (GET|POST|PUT|DELETE)\b/g)].map((m) => m[1].toLowerCase());
      expect(verbs.length, file).toBeGreaterThan(0);
      for (const verb of verbs) expect(r.json.paths[urlPath]?.[verb], `${verb} ${urlPath}`).toBeDefined();
    }
    const create = r.json.paths["/api/v1/models"].post;
    expect(create.requestBody.content["application/json"].schema.properties.name.pattern).toBeDefined();
    expect(r.json.paths["/api/v1/models/{model}/versions"].post.requestBody.content["multipart/form-data"].schema.required).toEqual(["file"]);
  });
});
