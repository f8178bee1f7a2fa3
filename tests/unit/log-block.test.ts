// Binary stream entries (log-block.ts): ingest reads back, record for record, what the gateway logged, in the
// shape the JSON entries gave (so the records stored are the same), and a damaged or hostile entry is named
// as such, never thrown on or read past its end.
import { describe, expect, it } from "vitest";
import { asLogged, decodeLogBlock, encodeLogBlock, type LoggedRecord } from "@/lib/serving/data/prediction-log/log-block";
import { encodeOrStrip } from "@/lib/serving/data/prediction-log/prediction-logger";
import { recordIssue, type PredictionRecord } from "@/lib/serving/data/prediction-log/record";
import { decodeEntries } from "@/lib/serving/data/prediction-log/decode-entries";

const base = (i: number): Omit<LoggedRecord, "in" | "out"> => ({
  t: 1_764_000_000_000 + i + 0.123, e: "ep-1", v: i % 2 ? "credit-v2" : "credit-v1", n: 1 + (i % 2), id: `req-${i}-ü`, s: 200, l: 0.25 * i, sh: i % 3 === 0, r: 2,
});

describe("binary log blocks", () => {
  it("round-trips tensors of every kind as the lists the JSON entries held: float32 as its double, int64 as a number, bools as 0/1, strings", () => {
    const records: LoggedRecord[] = Array.from({ length: 9 }, (_, i) => ({
      ...base(i),
      in: [
        { name: "x", data: Float32Array.from([0.1 * i, 1.5]) },
        { name: "purpose", data: ["car", `radio/tv ${i}`] },
        { name: "flag", data: Uint8Array.from([1, 0]) },
      ],
      out: [
        { name: "label", data: BigInt64Array.from([BigInt(i), -3n]) },
        { name: "probabilities", data: Float64Array.from([0.25, 0.75, 0.5, 0.5]) },
      ],
    }));
    const decoded = decodeLogBlock(encodeLogBlock(records));
    expect(decoded).toEqual({
      checked: true,
      records: records.map((r, i) => ({
        ...base(i),
        in: { x: Array.from(Float32Array.from([0.1 * i, 1.5])), purpose: ["car", `radio/tv ${i}`], flag: [1, 0] },
        out: { label: [i, -3], probabilities: [0.25, 0.75, 0.5, 0.5] },
      })),
    });
    for (const r of (decoded as { records: unknown[] }).records) expect(recordIssue(r)).toBeNull();
  });

  it("keeps each record's own inputs and outputs, in its own order: absent ones, none at all, errors and unsampled inputs", () => {
    const records: LoggedRecord[] = [
      { ...base(0), in: [{ name: "a", data: [1] }, { name: "b", data: [2] }], out: [{ name: "p", data: [0.5] }, { name: "q", data: [1] }] },
      { ...base(1), in: [{ name: "b", data: [3] }, { name: "a", data: [4] }], out: [{ name: "q", data: [0] }, { name: "p", data: [0.25] }] },
      { ...base(2), in: null, ns: true, out: [{ name: "p", data: [] }] },
      { ...base(3), s: 503, in: [{ name: "a", data: [5] }], out: null, err: "no ready replica — ünïcode" },
      { ...base(4), in: [], out: [] },
    ];
    const { records: got } = decodeLogBlock(encodeLogBlock(records)) as { records: PredictionRecord[] };
    expect(got.map((r) => [Object.keys(r.in ?? {}), Object.keys(r.out ?? {})])).toEqual([[["a", "b"], ["p", "q"]], [["b", "a"], ["q", "p"]], [[], ["p"]], [["a"], []], [[], []]]);
    expect(got[1]).toMatchObject({ in: { b: [3], a: [4] }, out: { q: [0], p: [0.25] } });
    expect(got[2]).toMatchObject({ in: null, ns: true, out: { p: [] } });
    expect(got[3]).toMatchObject({ s: 503, out: null, err: "no ready replica — ünïcode" });
    expect(got[3].ns).toBeUndefined();
    expect(got[4]).toMatchObject({ in: {}, out: {} });
    expect(got[0].err).toBeUndefined();
  });

  it("logs what a model returns that Postgres cannot store JSON-escaped, names included", () => {
    const records: LoggedRecord[] = [{ ...base(0), in: [{ name: "x", data: ["a\u0000b"] }], out: [{ name: "la\u0000bel", data: ["x\u0000y", "\ud800"] }] }];
    const { records: [r] } = decodeLogBlock(encodeLogBlock(records)) as { records: PredictionRecord[] };
    expect(r.out).toEqual({ "la\\u0000bel": ["x\\u0000y", "\\ud800"] });
    // inputs are the client's, checked storable by the gateway before they are run: kept as they came
    expect(r.in).toEqual({ x: ["a\u0000b"] });
  });

  it("strips, when a block cannot be made, only the records that cannot be written alone", () => {
    const records = [asLogged({ ...base(1), in: { x: [1] }, out: { p: [0.5] } }), asLogged({ ...base(2), in: { x: [2] }, out: { big: [1n as unknown as number] } }), asLogged({ ...base(3), in: { x: [3] }, out: { p: [0.75] } })];
    expect(() => encodeLogBlock(records)).toThrow();
    const { records: got } = decodeLogBlock(encodeOrStrip(records)) as { records: PredictionRecord[] };
    expect(got.map((r) => r.id)).toEqual(records.map((r) => r.id));
    expect(got[1]).toMatchObject({ in: null, out: null, ns: true });
    expect(got[0]).toMatchObject({ in: { x: [1] }, out: { p: [0.5] } });
    expect(got[2]).toMatchObject({ in: { x: [3] }, out: { p: [0.75] } });
  });

  it("passes a clean block whole, and checks one holding an unstorable string or an out-of-range value record by record, dead-lettering only the bad records", () => {
    const clean = [asLogged({ ...base(0), in: { x: [1], k: ["a"] }, out: { p: [0.5] } }), asLogged({ ...base(1), in: { x: [2], k: ["b"] }, out: { p: [0.25] } })];
    expect(decodeLogBlock(encodeLogBlock(clean))).toMatchObject({ checked: true });
    const bad = [clean[0], asLogged({ ...base(1), in: { x: [2], k: ["nul\u0000"] }, out: { p: [0.25] } }), asLogged({ ...base(2), s: 70_000, in: { x: [3] }, out: null }), { ...clean[1], id: "third" }];
    const block = encodeLogBlock(bad);
    expect(decodeLogBlock(block)).toMatchObject({ checked: false });
    const { items, dead } = decodeEntries([["5-0", ["b", block]]]);
    expect(items.map((x) => x.record.id)).toEqual([clean[0].id, "third"]);
    expect(dead.map((d) => [d.source, d.reason])).toEqual([["5-0#1", expect.stringMatching(/not storable: in\.k\[0\] holds a NUL/)], ["5-0#2", expect.stringMatching(/s: expected an integer/)]]);
    // a request id with a NUL byte (the stream is writable by anyone with Redis access)
    const forged = encodeLogBlock([{ ...clean[0], id: "a\u0000b" }]);
    expect(decodeLogBlock(forged)).toMatchObject({ checked: false });
    expect(decodeEntries([["6-0", ["b", forged]]]).dead[0].reason).toMatch(/id holds a NUL/);
  });

  it("names what is wrong with a damaged or forged block instead of throwing or reading past it", () => {
    const good = encodeLogBlock([{ ...base(0), in: [{ name: "x", data: Float64Array.from([1, 2]) }], out: [{ name: "p", data: ["a"] }] }]);
    const issue = (b: Buffer) => (decodeLogBlock(b) as { issue?: string }).issue;
    expect(issue(good)).toBeUndefined();
    expect(issue(Buffer.alloc(2))).toMatch(/shorter/);
    expect(issue(good.subarray(0, good.length - 16))).toMatch(/shorter than its sections/);
    const headerLength = good.readUInt32LE(0);
    const header = JSON.parse(good.toString("utf8", 4, 4 + headerLength));
    const forge = (h: unknown) => {
      const json = Buffer.from(JSON.stringify(h));
      const b = Buffer.alloc(good.length + 256);
      b.writeUInt32LE(json.length, 0);
      json.copy(b, 4);
      return b;
    };
    expect(issue(forge({ ...header, v: 9 }))).toMatch(/format 9/);
    expect(issue(forge({ ...header, n: 1e9 }))).toMatch(/record count/);
    expect(issue(forge({ ...header, cols: [{ s: "i", n: "x", k: "f128" }, header.cols[1]] }))).toMatch(/columns/);
    expect(issue(forge({ ...header, sigs: [{ i: [1], o: [1] }] }))).toMatch(/layouts/);
    expect(issue(forge({ ...header, len: header.len.map((l: number, k: number) => (k === 0 ? l + 8 : l)) }))).toMatch(/section 0/);
    // counts that claim more values than the column holds
    const lying = Buffer.from(good);
    const lenAt = (k: number) => { let at = (4 + headerLength + 7) & ~7; for (let j = 0; j < k; j++) at = (at + header.len[j] + 7) & ~7; return at; };
    lying.writeUInt32LE(3, lenAt(12));
    expect(issue(lying)).toMatch(/does not hold/);
    // a request id offset past the strings
    const offsets = Buffer.from(good);
    offsets.writeUInt32LE(1_000, lenAt(8) + 4);
    expect(issue(offsets)).toMatch(/offsets/);
  });

  it("never throws on random damage", () => {
    const good = encodeLogBlock(Array.from({ length: 5 }, (_, i) => asLogged({ ...base(i), in: { x: [i, i + 1], k: ["a", "b"] }, out: { p: [0.5, 0.25] } })));
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    for (let k = 0; k < 2_000; k++) {
      const b = Buffer.from(good);
      for (let f = 0; f < 1 + Math.floor(rand() * 4); f++) b[Math.floor(rand() * b.length)] = Math.floor(rand() * 256);
      const damaged = rand() < 0.2 ? b.subarray(0, Math.floor(rand() * b.length)) : b;
      // what it yields is checked record by record afterwards (recordIssue), as ingest does
      expect(() => { const got = decodeLogBlock(damaged); if ("records" in got) got.records.forEach(recordIssue); }).not.toThrow();
    }
  });
});
