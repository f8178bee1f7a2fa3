// Keeps at most `cap` rows of a stream of any length: all of them while there are no more, otherwise a
// uniform sample (reservoir sampling, Algorithm R: row i, counted from 0, replaces a random kept row with
// probability cap/(i+1)). The random numbers come from a seed (the pushed file's sha256), so the same
// file always keeps the same rows. Rows are held column-wise, as they are stored (reference-file.ts):
// numbers in a Float64Array (NaN = missing), strings as they are (null = missing).
import { seededRandom } from "../training/random";
import type { CellValue, ColumnSpec } from "./reference-columns";
import type { ReferenceColumn, ReferenceTable } from "./reference-file";

export class RowSample {
  private readonly numbers: (Float64Array | null)[];
  private readonly strings: ((string | null)[] | null)[];
  private readonly random: () => number;
  private capacity = 1024;
  /** rows offered so far */
  seen = 0;

  constructor(private readonly columns: ColumnSpec[], private readonly cap: number, seed: number) {
    this.capacity = Math.min(this.capacity, cap);
    this.numbers = columns.map((c) => (c.kind === "string" ? null : new Float64Array(this.capacity)));
    this.strings = columns.map((c) => (c.kind === "string" ? [] : null));
    this.random = seededRandom(seed);
  }

  /** One row, its values in the order of the columns (numbers for number and bool columns). */
  add(values: CellValue[]): void {
    let slot: number;
    if (this.seen < this.cap) slot = this.seen;
    else {
      slot = Math.floor(this.random() * (this.seen + 1));
      if (slot >= this.cap) slot = -1;
    }
    this.seen++;
    if (slot < 0) return;
    if (slot >= this.capacity) this.grow();
    for (let c = 0; c < values.length; c++) {
      const v = values[c];
      const nums = this.numbers[c];
      if (nums) nums[slot] = v === null ? Number.NaN : (v as number);
      else this.strings[c]![slot] = v as string | null;
    }
  }

  private grow(): void {
    this.capacity = Math.min(this.capacity * 2, this.cap);
    this.numbers.forEach((old, c) => {
      if (!old) return;
      const next = new Float64Array(this.capacity);
      next.set(old);
      this.numbers[c] = next;
    });
  }

  table(): ReferenceTable {
    const rows = Math.min(this.seen, this.cap);
    const columns = this.columns.map((spec, c): ReferenceColumn => {
      const nums = this.numbers[c];
      if (nums) return { name: spec.name, type: "number", values: nums.slice(0, rows) };
      const values = this.strings[c]!;
      const categories = [...new Set(values.filter((v): v is string => v !== null))].sort();
      const index = new Map(categories.map((k, i) => [k, i]));
      return { name: spec.name, type: "string", categories, codes: Int32Array.from(values, (v) => (v === null ? -1 : index.get(v)!)) };
    });
    return { rows, sampledFrom: this.seen, columns };
  }
}
