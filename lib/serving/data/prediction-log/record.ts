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
