// CurrentData (read-current-data.ts) as plain arrays, for code that takes one value per row:
// numbers stay numbers, labels keep their JSON type, missing is null. Costs one array per column
// (about 20 ms per million values); statistics that can take the typed arrays should.
import type { CurrentColumn, CurrentData } from "./read-current-data";

export function columnValues(column: CurrentColumn): (number | string | null)[] {
  if (column.kind === "numeric") {
    const out = new Array<number | null>(column.values.length);
    for (let i = 0; i < out.length; i++) out[i] = Number.isNaN(column.values[i]) ? null : column.values[i];
    return out;
  }
  const out = new Array<number | string | null>(column.codes.length);
  for (let i = 0; i < out.length; i++) out[i] = column.codes[i] < 0 ? null : column.labels[column.codes[i]];
  return out;
}

/** The input columns as `{ name: values }`; the prediction is `data.prediction` (columnValues of its column). */
export function currentDataValues(data: CurrentData): Record<string, (number | string | null)[]> {
  return Object.fromEntries(Object.entries(data.columns).map(([name, c]) => [name, columnValues(c)]));
}
