// Screening a prediction record before it reaches Postgres: every string in it (ids, names, the error,
// input and output values and their column names) must be storable text. One NUL in a record would
// otherwise make Postgres refuse its whole batch, and ingest would bisect to find it.
import { unstorableText } from "../../../db/storable-text";
import type { PredictionRecord } from "../../shared/prediction-log/record";

/** Where and why a record cannot be stored (`out.label[3]: a NUL character (\u0000)`), or null when it can. */
export function unstorableIn(record: PredictionRecord): string | null {
  for (const key of ["e", "v", "id", "err"] as const) {
    const s = record[key];
    const bad = typeof s === "string" ? unstorableText(s) : null;
    if (bad) return `${key} holds ${bad}`;
  }
  for (const key of ["in", "out"] as const) {
    for (const [name, values] of Object.entries(record[key] ?? {})) {
      const badName = unstorableText(name);
      if (badName) return `${key}: a column name holds ${badName}`;
      for (let i = 0; i < values.length; i++) {
        const x = values[i];
        const bad = typeof x === "string" ? unstorableText(x) : null;
        if (bad) return `${key}.${JSON.stringify(name).slice(1, -1)}[${i}] holds ${bad}`;
      }
    }
  }
  return null;
}
