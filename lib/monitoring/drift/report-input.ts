// What run-drift-report.ts hands its child process (drift-report-process.ts) on stdin.
import { z } from "zod";
import { driftThresholdsSchema } from "./index";

export const reportInputSchema = z.object({
  teamId: z.string(), endpointId: z.string(), from: z.string(), to: z.string(), version: z.number().int().nullable(),
  referenceModel: z.string(), referenceVersion: z.number().int(), thresholds: driftThresholdsSchema, maxRows: z.number().int(), seed: z.number().int(),
});
export type ReportInput = z.infer<typeof reportInputSchema>;

export const reportOutputSchema = z.object({
  result: z.unknown(),
  rowsReference: z.number().int(),
  rowsCurrent: z.number().int(),
  versions: z.record(z.string(), z.number()),
  // ms; startMs: the child's start until it runs (node, tsx, imports); readFirstBlockMs, readDecodeMs: parts of readMs
  timings: z.object({ startMs: z.number(), referenceMs: z.number(), readMs: z.number(), readFirstBlockMs: z.number(), readDecodeMs: z.number(), computeMs: z.number(), totalMs: z.number() }),
});
