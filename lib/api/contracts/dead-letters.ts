import { z } from "zod";
import { defineContract } from "../contract";
import { named } from "./shared";

export const deadLetterView = named("DeadLetter", z.object({
  id: z.string().describe("the dead-letter stream entry; pass it as `before` for the next page"),
  at: z.string().describe("when ingest dead-lettered the record"),
  endpoint: z.string(),
  variant: z.string(),
  version: z.number().nullable(),
  requestId: z.string(),
  recordTime: z.string().nullable().describe("when the gateway logged the prediction"),
  reason: z.string().describe("why it could not be stored, e.g. Postgres refusing a NUL character"),
}));

// Records belong to the team whose endpoint they name; only that team's admins see them.
export const listDeadLetters = defineContract({
  method: "GET",
  path: "/api/v1/dead-letters",
  summary: "Prediction records of the team's endpoints that ingest could not store (dead-lettered), newest first, with the reason",
  tag: "prediction-log",
  auth: { action: "deadletter.read" },
  query: z.object({
    before: z.string().regex(/^\d+-\d+$/, "a dead letter's id").optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  }),
  response: z.object({ deadLetters: z.array(deadLetterView), nextBefore: z.string().nullable() }),
});
