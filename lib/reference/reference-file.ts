// The stored form of a version's reference data: one binary file in the artifact store, column-wise,
// so a drift report loads 100,000 rows × 20 columns in milliseconds (no text to parse, no rows to
// transpose). All numbers little-endian.
//
//   bytes 0–7    magic "SYREF001" (the last three characters are the format's version)
//   bytes 8–11   uint32: length H of the header
//   next H bytes header, UTF-8 JSON: {"rows": n, "sampledFrom": m,
//                "columns": [{"name", "type": "number"} | {"name", "type": "string", "categories": [..]}]}
//   zero padding to a multiple of 8, then each column in header order, each padded to a multiple of 8:
//     number: n float64 (NaN = missing value)
//     string: n int32, an index into the column's categories (-1 = missing value)
//
// `sampledFrom` is the number of rows pushed: more than `rows` when a sample was kept.
export type ReferenceColumn =
  | { name: string; type: "number"; values: Float64Array }
  | { name: string; type: "string"; categories: string[]; codes: Int32Array };

export type ReferenceTable = { rows: number; sampledFrom: number; columns: ReferenceColumn[] };

const MAGIC = "SYREF001";
const pad8 = (n: number) => (n + 7) & ~7;

type HeaderColumn = { name: string; type: "number" } | { name: string; type: "string"; categories: string[] };
type Header = { rows: number; sampledFrom: number; columns: HeaderColumn[] };

export function encodeReference(table: ReferenceTable): Buffer {
  const header: Header = {
    rows: table.rows,
    sampledFrom: table.sampledFrom,
    columns: table.columns.map((c) => (c.type === "number" ? { name: c.name, type: "number" } : { name: c.name, type: "string", categories: c.categories })),
  };
  const headerBytes = Buffer.from(JSON.stringify(header), "utf8");
  const bodyStart = pad8(12 + headerBytes.length);
  const sizes = table.columns.map((c) => pad8(table.rows * (c.type === "number" ? 8 : 4)));
  const out = Buffer.alloc(bodyStart + sizes.reduce((a, b) => a + b, 0));
  out.write(MAGIC, 0, "latin1");
  out.writeUInt32LE(headerBytes.length, 8);
  headerBytes.copy(out, 12);
  let at = bodyStart;
  table.columns.forEach((c, i) => {
    if ((c.type === "number" ? c.values.length : c.codes.length) !== table.rows) throw new Error(`column "${c.name}" does not have ${table.rows} values`);
    if (c.type === "number") for (let r = 0; r < table.rows; r++) out.writeDoubleLE(c.values[r], at + r * 8);
    else for (let r = 0; r < table.rows; r++) out.writeInt32LE(c.codes[r], at + r * 4);
    at += sizes[i];
  });
  return out;
}

/** Reads a file written by encodeReference; throws on anything else (a store file is checked, not trusted blindly). */
export function decodeReference(buf: Uint8Array): ReferenceTable {
  const bytes = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  if (bytes.length < 12 || bytes.toString("latin1", 0, 8) !== MAGIC) throw new Error("not a reference data file (SYREF001)");
  const headerLength = bytes.readUInt32LE(8);
  if (12 + headerLength > bytes.length) throw new Error("reference data file: truncated header");
  const header = JSON.parse(bytes.toString("utf8", 12, 12 + headerLength)) as Header;
  const rows = header.rows;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = pad8(12 + headerLength);
  const columns = header.columns.map((c): ReferenceColumn => {
    const width = c.type === "number" ? 8 : 4;
    if (at + rows * width > bytes.length) throw new Error(`reference data file: column "${c.name}" is truncated`);
    let col: ReferenceColumn;
    if (c.type === "number") {
      const values = new Float64Array(rows);
      for (let r = 0; r < rows; r++) values[r] = view.getFloat64(at + r * 8, true);
      col = { name: c.name, type: "number", values };
    } else {
      const codes = new Int32Array(rows);
      for (let r = 0; r < rows; r++) codes[r] = view.getInt32(at + r * 4, true);
      col = { name: c.name, type: "string", categories: c.categories, codes };
    }
    at += pad8(rows * width);
    return col;
  });
  return { rows, sampledFrom: header.sampledFrom, columns };
}

/** Plain column-wise values: a number, a string, or null for a missing value. */
export function plainColumns(table: ReferenceTable): Record<string, (number | string | null)[]> {
  const out: Record<string, (number | string | null)[]> = {};
  for (const c of table.columns) {
    out[c.name] = c.type === "number"
      ? Array.from(c.values, (v) => (Number.isNaN(v) ? null : v))
      : Array.from(c.codes, (k) => (k < 0 ? null : c.categories[k]));
  }
  return out;
}
