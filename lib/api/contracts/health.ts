import { z } from "zod";
import { defineContract } from "../contract";

export const getHealth = defineContract({
  method: "GET",
  path: "/api/v1/health",
  summary: "Liveness of the control plane and its stores",
  tag: "health",
  auth: "public",
  response: z.object({ status: z.enum(["ok", "degraded"]), db: z.enum(["ok", "down"]), redis: z.enum(["ok", "down"]), version: z.string() }),
});

export const getOpenApi = defineContract({
  method: "GET",
  path: "/api/v1/openapi.json",
  summary: "This API's OpenAPI 3.1 document, generated from the same schemas the routes parse with",
  tag: "health",
  auth: "public",
});
