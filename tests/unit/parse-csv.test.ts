import { describe, expect, it } from "vitest";
import { parseCsv } from "@/lib/web/parse-csv";

describe("reference CSV → column-wise referenceData", () => {
  it("reads numbers as numbers and the rest as text, column by column", () => {
    expect(parseCsv("age,purpose,amount\n35,car,1200.5\n41,radio/tv,-3e2\n")).toEqual({
      columns: { age: [35, 41], purpose: ["car", "radio/tv"], amount: [1200.5, -300] }, rows: 2,
    });
  });

  it("handles quotes, doubled quotes, commas and line breaks inside quotes, CRLF and a BOM", () => {
    const text = '\ufeff"name","note"\r\n"Smith, J","said ""hi"""\r\n"x","two\nlines"\r\n';
    expect(parseCsv(text)).toEqual({ columns: { name: ["Smith, J", "x"], note: ['said "hi"', "two\nlines"] }, rows: 2 });
  });

  it("leaves empty cells out as missing values and skips blank lines", () => {
    expect(parseCsv("a,b\n1,\n\n,x\n3,y")).toEqual({ columns: { a: [1, 3], b: ["x", "y"] }, rows: 3 });
  });

  it("keeps text that only looks partly numeric as text", () => {
    expect(parseCsv("v\n0x10\n1_000\n12abc\nNaN\nInfinity\n007")).toEqual({ columns: { v: ["0x10", "1_000", "12abc", "NaN", "Infinity", 7] }, rows: 6 });
  });

  it.each([
    ["", /empty/],
    ["a,b\n", /header but no rows/],
    ["a,,c\n1,2,3", /line 1: column 2 has no name/],
    ["a,a\n1,2", /"a" appears twice/],
    ["a,b\n1,2,3", /row 2: 3 fields where the header has 2/],
    ['a\n"open', /never closed/],
    ['a\n"x"y', /text after a closing quote/],
    ['a\nx"y', /quote in the middle/],
  ])("refuses %j, saying where", (text, message) => {
    const r = parseCsv(text);
    expect(r).toHaveProperty("error");
    expect((r as { error: string }).error).toMatch(message);
  });
});
