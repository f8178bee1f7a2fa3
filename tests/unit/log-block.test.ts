// Binary stream entries (log-block.ts): ingest reads back, record for record, what the gateway logged, in the
// shape the JSON entries gave (so the records stored are the same), and a damaged or hostile entry is named
// as such, never thrown on or read past its end.
import { describe, expect, it } from "vitest";
import { createHash } from "node:crypto";
import { asLogged, decodeLogBlock, type LoggedRecord } from "@/lib/serving/shared/prediction-log/log-block";
import { encodeLogBlock, LogBlockBuilder, MAX_RECORD_TEXT } from "@/lib/serving/shared/prediction-log/log-block-builder";
import { packEntries } from "@/lib/serving/data/prediction-log/prediction-logger";
import { recordIssue, type PredictionRecord } from "@/lib/serving/shared/prediction-log/record";
import { decodeEntries, itemsOfBlock } from "@/lib/serving/data/prediction-log/decode-entries";

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

  it("refuses a record it cannot write (a value that is neither number nor string, too much text) and leaves the block as it was", () => {
    const records = [asLogged({ ...base(1), in: { x: [1] }, out: { p: [0.5] } }), asLogged({ ...base(2), in: { x: [2] }, out: { big: [1n as unknown as number] } }), asLogged({ ...base(3), in: { x: [3] }, out: { p: [0.75] } })];
    expect(() => encodeLogBlock(records)).toThrow(RangeError);
    const b = new LogBlockBuilder("ep-1", 4, MAX_RECORD_TEXT);
    b.add(records[0]);
    expect(() => b.add(records[1])).toThrow(/holds a bigint/);
    expect(() => b.add(asLogged({ ...base(4), in: { text: ["x".repeat(17_000_000)] }, out: null }))).toThrow(/characters/);
    // two output names that are one once made storable: a layout ingest would refuse, with the whole block
    expect(() => b.add({ ...base(5), in: null, out: [{ name: "a\u0000", data: [1] }, { name: "a\\u0000", data: [2] }] })).toThrow(/share a name/);
    b.add(records[2]);
    expect(b.count).toBe(2);
    // the block holds the two records, byte for byte as encoded from them alone
    expect(b.finish().equals(encodeLogBlock([records[0], records[2]]))).toBe(true);
  });

  it("puts the block back as it was when adding a record fails half-way (an allocation, say), so the next records make a valid block", () => {
    const good = [asLogged({ ...base(1), in: { x: [1], k: ["a"] }, out: { p: [0.5] } }), asLogged({ ...base(3), in: { x: [3], k: ["c"] }, out: { p: [0.75] } })];
    // a value whose JSON is fine when checked and fails when written: the failure comes after the record began
    let calls = 0;
    const flaky = { toJSON: () => (++calls > 1 ? (() => { throw new Error("out of memory"); })() : "ok") };
    const bad: LoggedRecord = { ...base(2), v: "new-variant", err: "boom", in: [{ name: "x", data: [2] }, { name: "fresh", data: ["b"] }, { name: "obj", data: [flaky as unknown as string] }], out: [{ name: "other", data: [1] }] };
    const b = new LogBlockBuilder("ep-1", 1);
    b.add(good[0]);
    expect(() => b.add(bad)).toThrow(/out of memory/);
    expect([b.count, b.values]).toEqual([1, 3]);
    b.add(good[1]);
    expect(b.finish().equals(encodeLogBlock(good))).toBe(true);
  });

  it("writes the same bytes as the blocks stored before it wrote a record at a time (ingest keys blocks by their bytes)", () => {
    const records: LoggedRecord[] = Array.from({ length: 6 }, (_, i) => ({
      ...base(i),
      ...(i === 4 ? { err: "no ready replica — ünïcode" } : {}),
      in: i === 5 ? null : [{ name: "x", data: Float32Array.from([0.1 * i, 1.5]) }, { name: "purpose", data: ["car", 'say "hi"\\', "pair 😀", "lone \ud800"] }, { name: "n", data: [i, NaN, -0, 1e21] }],
      ...(i === 5 ? { ns: true } : {}),
      out: i === 4 ? null : [{ name: "la\u0000bel", data: BigInt64Array.from([BigInt(i)]) }, { name: "text", data: ["a\u0000b", "ok"] }],
    }));
    // the SHA-1 of the block this version's predecessor (one list encoded at once) wrote for these records
    expect(createHash("sha1").update(encodeLogBlock(records)).digest("hex")).toBe(GOLDEN_SHA1);
  });

  it("copies a record's values when it is added: a tensor changed afterwards (a reused batch buffer) does not change the block", () => {
    const shared = Float32Array.of(1, 2, 3, 4);
    const names = ["a", "b"];
    const b = new LogBlockBuilder("ep-1");
    b.add({ ...base(0), in: [{ name: "x", data: shared.subarray(0, 2) }, { name: "k", data: names }], out: null });
    shared.fill(9);
    names[0] = "changed";
    const { records: [r] } = decodeLogBlock(b.finish()) as { records: PredictionRecord[] };
    expect(r.in).toEqual({ x: [1, 2], k: ["a", "b"] });
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

  it("refuses forged section lengths that would wrap offsets past 2^31 or 2^32, layouts beyond the record count, and deep headers, without throwing or allocating for them", () => {
    // a header as given, its sections placed where the decoder looks (sections not given are zero)
    const align = (x: number) => Math.ceil(x / 8) * 8;
    const forge = (h: { len: number[] } & Record<string, unknown>, sections: Record<number, Buffer>) => {
      const json = Buffer.from(JSON.stringify(h));
      let size = align(4 + json.length);
      const at = h.len.map((l) => { const a = size; size = align(size + Math.min(l, 64)); return a; });
      const b = Buffer.alloc(size + 64);
      b.writeUInt32LE(json.length, 0);
      json.copy(b, 4);
      for (const [k, x] of Object.entries(sections)) x.copy(b, at[+k]);
      return b;
    };
    const fixed = (idBytes: number) => [8, 8, 4, 4, 4, 1, 2, 2, 8, idBytes, 8, 0];
    const u32 = (...x: number[]) => Buffer.from(Uint32Array.from(x).buffer);
    const h = { v: 1, e: "ep", n: 1, vs: ["v1"], cols: [] as unknown[], sigs: [{ i: null, o: null }] };
    const read = (b: Buffer) => { let r: ReturnType<typeof decodeLogBlock> | undefined; expect(() => (r = decodeLogBlock(b))).not.toThrow(); return (r as { issue?: string }).issue; };
    // an id text "of" 2^31 bytes: the next section's offset would wrap negative in 32-bit arithmetic
    expect(read(forge({ ...h, len: fixed(2 ** 31) }, { 8: u32(0, 2 ** 31) }))).toMatch(/section lengths|shorter/);
    // a column "of" 2^32 - 8 one-byte values in a block of a few hundred bytes
    const cols = [{ s: "i", n: "x", k: "u8" }, { s: "i", n: "y", k: "u8" }];
    expect(read(forge({ ...h, cols, sigs: [{ i: [0, 1], o: null }], len: [...fixed(5), 4, 2 ** 32 - 8, 4, 0] }, { 8: u32(0, 5), 12: u32(2 ** 32 - 8) }))).toMatch(/section lengths|shorter/);
    // 40,000 layouts for one record
    expect(read(forge({ ...h, sigs: Array.from({ length: 40_000 }, () => ({ i: null, o: null })), len: fixed(5) }, { 8: u32(0, 5) }))).toMatch(/more variants or layouts/);
    // a format "number" nested 10,000 deep (written by hand: JSON.stringify would not)
    const header = Buffer.from(`{"v":${"[".repeat(10_000)}${"]".repeat(10_000)}}`);
    const deep = Buffer.alloc(8 + header.length);
    deep.writeUInt32LE(header.length, 0);
    header.copy(deep, 4);
    expect(read(deep)).toMatch(/format object/);
  });

  it("keeps a column named __proto__ as a column, as JSON did", () => {
    const { records: [r] } = decodeLogBlock(encodeLogBlock([{ ...base(0), in: [{ name: "__proto__", data: Float64Array.of(1, 2) }], out: [{ name: "__proto__", data: ["a"] }] }])) as { records: PredictionRecord[] };
    expect(Object.keys(r.in!)).toEqual(["__proto__"]);
    expect(Object.getOwnPropertyDescriptor(r.in, "__proto__")?.value).toEqual([1, 2]);
    expect(Object.getOwnPropertyDescriptor(r.out, "__proto__")?.value).toEqual(["a"]);
    expect(recordIssue(r)).toBeNull();
  });

  it("fills entries across endpoints with whole blocks and numbers an entry's records across its blocks", () => {
    // 50 endpoints' blocks of 3 records: entries of at most 64 records (21 blocks), not 50 entries of 3
    const sealed = Array.from({ length: 50 }, (_, k) => ({ block: encodeLogBlock([0, 1, 2].map((i) => ({ ...base(i), e: `ep-${k}`, id: `r-${k}-${i}`, in: null, out: null }))), count: 3, values: 0 }));
    const counts: number[] = [];
    const entries = packEntries(sealed, 64, counts);
    expect(counts).toEqual([63, 63, 24]);
    expect(entries.map((fields) => fields.reduce((n, b) => n + (decodeLogBlock(b) as { records: unknown[] }).records.length, 0))).toEqual([63, 63, 24]);
    const { items: loose, blocks, dead } = decodeEntries([["9-0", entries[0].flatMap((b) => ["b", b])]]);
    expect(dead).toEqual([]);
    // clean blocks come whole (read column by column), their records numbered across the entry when needed
    expect(loose).toEqual([]);
    const items = blocks.flatMap(itemsOfBlock);
    expect(items.map((x) => x.source)).toEqual(Array.from({ length: 63 }, (_, i) => `9-0#${i}`));
    expect(items.slice(0, 4).map((x) => [x.record.e, x.record.id])).toEqual([["ep-0", "r-0-0"], ["ep-0", "r-0-1"], ["ep-0", "r-0-2"], ["ep-1", "r-1-0"]]);
    // values bound entries too: blocks of 40,000 values take an entry each; a pipeline takes at most maxEntries
    expect(packEntries(sealed.slice(0, 3).map((s) => ({ ...s, values: 40_000 })), 64)).toHaveLength(3);
    expect(packEntries(sealed, 64, [], 2)).toHaveLength(2);
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

const GOLDEN_SHA1 = "6efab353f98717391b41940af327f1bf2c49a333";
