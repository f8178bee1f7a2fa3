// A reference CSV, read in the browser into the column-wise `referenceData` the upload's metadata
// takes ({feature: [values]}). RFC 4180: a header row, fields optionally in double quotes (a quote
// inside doubled, commas and line breaks allowed inside), CRLF or LF, a UTF-8 BOM ignored. Numbers
// become numbers, anything else stays text; an empty cell is a missing value and is left out of its
// column (the profile counts what is there).
export type CsvColumns = Record<string, (number | string)[]>;
export type CsvResult = { columns: CsvColumns; rows: number } | { error: string };

const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** Splits the text into rows of fields; an error names the line (1-based) where it went wrong. */
function records(text: string): string[][] | { error: string } {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  let line = 1;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const endRow = () => { row.push(field); rows.push(row); row = []; field = ""; };
  while (i < text.length) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') { field += '"'; i += 2; continue; }
        quoted = false;
        i++;
        const next = text[i];
        if (next !== undefined && next !== "," && next !== "\n" && next !== "\r") return { error: `line ${line}: text after a closing quote; a quote inside a quoted field is written twice ("")` };
        continue;
      }
      if (ch === "\n") line++;
      field += ch;
      i++;
      continue;
    }
    if (ch === '"') {
      if (field !== "") return { error: `line ${line}: a quote in the middle of an unquoted field; quote the whole field` };
      quoted = true;
      i++;
    } else if (ch === ",") {
      row.push(field);
      field = "";
      i++;
    } else if (ch === "\r" || ch === "\n") {
      endRow();
      i += ch === "\r" && text[i + 1] === "\n" ? 2 : 1;
      line++;
    } else {
      field += ch;
      i++;
    }
  }
  if (quoted) return { error: `line ${line}: a quoted field is never closed` };
  if (field !== "" || row.length) endRow();
  return rows.filter((r) => !(r.length === 1 && r[0] === "")); // blank lines
}

export function parseCsv(text: string): CsvResult {
  const parsed = records(text);
  if ("error" in parsed) return parsed;
  const [header, ...body] = parsed;
  if (!header) return { error: "the file is empty: it needs a header row of feature names, then one row per example" };
  const names = header.map((h) => h.trim());
  const blank = names.findIndex((n) => !n);
  if (blank >= 0) return { error: `line 1: column ${blank + 1} has no name` };
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) return { error: `line 1: the column "${dup.slice(0, 60)}" appears twice` };
  if (!body.length) return { error: "the file has a header but no rows" };
  const columns: CsvColumns = Object.fromEntries(names.map((n) => [n, []]));
  for (const [r, row] of body.entries()) {
    if (row.length !== names.length) return { error: `row ${r + 2}: ${row.length} fields where the header has ${names.length}` };
    row.forEach((raw, c) => {
      const v = raw.trim();
      if (v === "") return;
      columns[names[c]].push(NUMBER.test(v) ? Number(v) : raw);
    });
  }
  return { columns, rows: body.length };
}
