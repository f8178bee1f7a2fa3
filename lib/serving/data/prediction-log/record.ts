import { z } from "zod";

/** One prediction as the gateway logs it. Short keys: millions of these cross Redis. */
export type PredictionRecord = {
  t: number; // epoch ms
  e: string; // endpoint id
  v: string; // variant name
  n: number; // model version number
  id: string; // request id
  s: number; // HTTP status
  l: number; // latency ms
  sh: boolean; // shadow copy
  r: number; // rows
  in: Record<string, (number | string)[]> | null; // inputs, column-wise
  out: Record<string, (number | string)[]> | null;
  err?: string;
};

const columns = z.record(z.string(), z.array(z.union([z.number(), z.string()]))).nullable();

/**
 * What ingest accepts from the stream: the shape above, checked on read (the stream is written by
 * gateways, which may be older, or not ours). Value ranges are Postgres's to check; ingest isolates
 * the records it refuses.
 */
export const predictionRecordSchema: z.ZodType<PredictionRecord> = z.object({
  t: z.number(),
  e: z.string(),
  v: z.string(),
  n: z.number(),
  id: z.string(),
  s: z.number(),
  l: z.number(),
  sh: z.boolean(),
  r: z.number(),
  in: columns,
  out: columns,
  err: z.string().optional(),
});
