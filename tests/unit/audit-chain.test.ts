import { describe, expect, it } from "vitest";
import { canonicalEvent, canonicalJson, eventHash } from "@/lib/audit/chain";
import { csvCell, csvLine } from "@/lib/audit/csv-cell";

const fields = {
  teamId: "t1", seq: 1, actorType: "user", actorId: "u1", actorLabel: "ana@example.com", action: "model.create",
  resourceType: "model", resourceId: "m1", before: undefined, after: { b: 2, a: { d: [1, { y: 1, x: 2 }], c: "é\n" }, skip: undefined },
  createdAt: new Date("2026-11-30T08:00:00.123Z"),
};

describe("audit chain hashing", () => {
  it("serialises with sorted keys at every depth, no spaces, nothing undefined", () => {
    expect(canonicalJson({ b: 1, a: [3, { d: null, c: undefined }], "é": "x" })).toBe('{"a":[3,{"d":null}],"b":1,"é":"x"}');
    expect(canonicalEvent(fields)).toBe(
      '{"action":"model.create","actorId":"u1","actorLabel":"ana@example.com","actorType":"user","after":{"a":{"c":"é\\n","d":[1,{"x":2,"y":1}]},"b":2},' +
      '"before":null,"createdAt":"2026-11-30T08:00:00.123Z","resourceId":"m1","resourceType":"model","seq":1,"teamId":"t1"}',
    );
  });

  it("hashes the previous hash and the canonical JSON, so any field or the link changes it", () => {
    const h = eventHash(null, fields);
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(eventHash(null, { ...fields, after: { ...fields.after, b: 3 } })).not.toBe(h);
    expect(eventHash(null, { ...fields, createdAt: new Date(fields.createdAt.getTime() + 1) })).not.toBe(h);
    expect(eventHash("0".repeat(64), fields)).not.toBe(h);
    // what a JSON column gives back hashes the same: key order, Dates as strings, undefined dropped
    expect(eventHash(null, { ...fields, after: JSON.parse(JSON.stringify(fields.after)) })).toBe(h);
  });
});

describe("CSV cells", () => {
  it("quote what needs quoting and defuse formulas", () => {
    expect(csvCell("plain")).toBe("plain");
    expect(csvCell(7)).toBe("7");
    expect(csvCell(null)).toBe("");
    expect(csvCell('say "hi", then\nleave')).toBe('"say ""hi"", then\nleave"');
    for (const start of ["=", "+", "-", "@", "\t", "\r"]) expect(csvCell(`${start}SUM(A1)`).replace(/^"/, "")).toMatch(/^'/);
    expect(csvCell("=1,2")).toBe(`"'=1,2"`);
    expect(csvLine(["a", null, 1])).toBe("a,,1\r\n");
  });
});
