// Request tensors: OIP v2 and `instances` bodies, checked against the model's signature before
// anything reaches a session, and batches merged and split again.
import { describe, expect, it } from "vitest";
import type { Signature } from "@/lib/onnx/signature";
import { unstorableText } from "@/lib/db/storable-text";
import {
  feedsToColumns, fromInstances, fromOip, InputError, MAX_ROWS, MAX_WARMUP_VALUES, mergeFeeds, mergeTensors, oipDatatype, probeRows, splitOutputs, splitTensors, toTensors, validateFeeds, warmupFeeds, WarmupTooLarge, type Feeds,
} from "@/lib/serving/shared/tensors";
import { creditSignature as sig } from "./fixtures";

type OipInput = { name: string; shape: unknown; datatype?: string; data: unknown };
const oip = (inputs: OipInput[]) => ({ inputs });
const good = (): OipInput[] => [
  { name: "age", shape: [2, 1], datatype: "FP32", data: [[35], [51]] },
  { name: "purpose", shape: [2, 1], datatype: "BYTES", data: ["car", "radio/tv"] },
];
const withAge = (change: Partial<OipInput>) => good().map((i) => (i.name === "age" ? { ...i, ...change } : i));

/** Parses and validates an OIP body the way the gateway does; returns the error message, if any. */
function oipError(body: unknown, signature: Signature = sig): string | null {
  try {
    validateFeeds(fromOip(body, signature), signature);
    return null;
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return (err as Error).message;
  }
}
function instancesError(body: unknown, signature: Signature = sig): string | null {
  try {
    validateFeeds(fromInstances(body, signature), signature);
    return null;
  } catch (err) {
    expect(err).toBeInstanceOf(InputError);
    return (err as Error).message;
  }
}

describe("OIP v2 requests", () => {
  it("turns a valid request into flat tensors by input name, with the row count", () => {
    expect(validateFeeds(fromOip(oip(good()), sig), sig)).toEqual({
      rows: 2,
      feeds: { age: { shape: [2, 1], data: [35, 51] }, purpose: { shape: [2, 1], data: ["car", "radio/tv"] } },
    });
  });

  it("accepts inputs in any order", () => {
    expect(validateFeeds(fromOip(oip(good().reverse()), sig), sig).rows).toBe(2);
  });

  it("names an unknown input and the inputs the model takes", () => {
    expect(oipError(oip([...good(), { name: "colour", shape: [2, 1], datatype: "BYTES", data: ["red", "blue"] }]))).toBe('unknown input "colour"; the model takes age, purpose');
  });

  it("names a missing input", () => {
    expect(oipError(oip(good().filter((i) => i.name !== "age")))).toBe('missing input "age"');
  });

  it("names the input whose datatype is wrong, with the datatype the model expects", () => {
    expect(oipError(oip(withAge({ datatype: "BYTES", data: ["old", "young"] })))).toBe('input "age": datatype BYTES, the model expects FP32');
    expect(oipError(oip(withAge({ datatype: "INT64" })))).toBe('input "age": datatype INT64, the model expects FP32');
    expect(oipError(oip(withAge({ datatype: undefined })))).toBe('input "age": datatype is required');
  });

  it("names the input whose shape is wrong, and how", () => {
    expect(oipError(oip(withAge({ shape: [2, 2], data: [1, 2, 3, 4] })))).toBe('input "age": dimension 1 is 2, the model expects 1');
    expect(oipError(oip(withAge({ shape: [2] })))).toBe('input "age": shape [2] has 1 dimensions, the model expects [N,1]');
    expect(oipError(oip(withAge({ shape: [2, -1] })))).toBe('input "age": shape must be a list of integers from 0 to 2147483647');
    expect(oipError(oip(withAge({ shape: "2x1" })))).toBe('input "age": shape must be a list of integers from 0 to 2147483647');
    expect(oipError(oip(withAge({ shape: [3, 1] })))).toBe('input "age": shape [3,1] needs 3 values, got 2');
    // a size-0 tensor whose dimensions could not be sent on to a worker
    const image: Signature = { inputs: [{ name: "img", type: "float32", shape: ["N", "H", "W"] }], outputs: [] };
    expect(() => validateFeeds({ img: { shape: [1, 4294967296, 0], data: [] } }, image)).toThrow('input "img": shape must be a list of integers from 0 to 2147483647');
  });

  it("names the input whose values are not of its type", () => {
    expect(oipError(oip(withAge({ data: ["x", 3] })))).toBe('input "age": expects finite numbers (FP32)');
    expect(oipError(oip(withAge({ data: [Infinity, 3] })))).toBe('input "age": expects finite numbers (FP32)');
    expect(oipError(oip(withAge({ data: [null, 3] })))).toBe('input "age": expects finite numbers (FP32)');
    const purpose = good().map((i) => (i.name === "purpose" ? { ...i, data: ["car", 7] } : i));
    expect(oipError(oip(purpose))).toBe('input "purpose": expects strings (BYTES)');
    expect(oipError(oip(withAge({ data: "35,51" })))).toBe('input "age": data must be a list');
  });

  it("refuses inputs with different row counts", () => {
    expect(oipError(oip(withAge({ shape: [1, 1], data: [35] })))).toBe('input "purpose" has 2 rows, other inputs have 1');
  });

  it("refuses an empty request and one with more rows than a request may carry", () => {
    expect(oipError(oip(good().map((i) => ({ ...i, shape: [0, 1], data: [] }))))).toBe("a request needs at least one row");
    const n = MAX_ROWS + 1;
    const big = oip([
      { name: "age", shape: [n, 1], datatype: "FP32", data: new Array(n).fill(30) },
      { name: "purpose", shape: [n, 1], datatype: "BYTES", data: new Array(n).fill("car") },
    ]);
    expect(oipError(big)).toBe(`a request may carry at most ${MAX_ROWS} rows, got ${n}`);
    const most = oip([
      { name: "age", shape: [MAX_ROWS, 1], datatype: "FP32", data: new Array(MAX_ROWS).fill(30) },
      { name: "purpose", shape: [MAX_ROWS, 1], datatype: "BYTES", data: new Array(MAX_ROWS).fill("car") },
    ]);
    expect(oipError(most)).toBeNull();
  });

  it("refuses bodies that are not OIP requests", () => {
    const form = 'body must be {"inputs": [{"name", "shape", "datatype", "data"}, …]}';
    expect(oipError({})).toBe(form);
    expect(oipError(null)).toBe(form);
    expect(oipError({ inputs: {} })).toBe(form);
    expect(oipError(oip([{ shape: [1, 1], datatype: "FP32", data: [1] } as unknown as OipInput]))).toBe("every input needs a name");
  });

  it("checks fixed dimensions and lets dynamic ones take any size", () => {
    const image: Signature = { inputs: [{ name: "pixels", type: "float32", shape: ["batch", 3, 2] }], outputs: [] };
    const body = (shape: number[], data: number[]) => oip([{ name: "pixels", shape, datatype: "FP32", data }]);
    expect(oipError(body([2, 3, 2], new Array(12).fill(0.5)), image)).toBeNull();
    expect(oipError(body([1, 2, 2], new Array(4).fill(0.5)), image)).toBe('input "pixels": dimension 1 is 2, the model expects 3');
  });
});

describe("strings that could not be stored", () => {
  const withPurpose = (data: unknown[], shape = [data.length, 1]) => [
    { name: "age", shape, datatype: "FP32", data: data.map(() => 30) },
    { name: "purpose", shape, datatype: "BYTES", data },
  ];
  it("refuses a NUL character or a lone UTF-16 surrogate in a BYTES input, in any position, naming the input and the value", () => {
    expect(oipError(oip(withPurpose(["car\u0000"])))).toBe('input "purpose": value 0 holds a NUL character (\\u0000); strings must be valid Unicode text without NUL');
    expect(oipError(oip(withPurpose(["car", "\u0000", "tv"])))).toMatch(/^input "purpose": value 1 holds a NUL character/);
    expect(oipError(oip(withPurpose(["car", "tv", "a\ud800b"])))).toBe('input "purpose": value 2 holds a lone UTF-16 surrogate; strings must be valid Unicode text without NUL');
    expect(oipError(oip(withPurpose(["\udc00"])))).toMatch(/lone UTF-16 surrogate/);
    expect(oipError(oip(withPurpose(["x\ud800"])))).toMatch(/lone UTF-16 surrogate/); // a high surrogate at the very end
    expect(oipError(oip(withPurpose([["car"], ["tv\u0000"]], [2, 1])))).toMatch(/^input "purpose": value 1 holds a NUL/); // nested data
  });
  it("refuses them in `instances` values too", () => {
    expect(instancesError({ instances: [{ age: 30, purpose: "car" }, { age: 31, purpose: "\u0000" }] })).toMatch(/^input "purpose": value 1 holds a NUL character/);
    expect(instancesError({ instances: [{ age: 30, purpose: "\ud83d" }] })).toMatch(/^input "purpose": value 0 holds a lone UTF-16 surrogate/);
  });
  it("accepts any other Unicode text: surrogate pairs, control characters, empty strings", () => {
    expect(oipError(oip(withPurpose(["🚗 car", "\u0001\t\n", "", "é"])))).toBeNull();
    expect(unstorableText("🚗")).toBeNull();
    expect(unstorableText("\ud83d\ude97")).toBeNull();
    expect(unstorableText("\ude97\ud83d")).toBe("a lone UTF-16 surrogate");
  });
});

describe("`instances` requests", () => {
  it("turns rows of features into one [N,1] column per input", () => {
    const body = { instances: [{ age: 35, purpose: "car" }, { age: 51, purpose: "radio/tv" }] };
    expect(validateFeeds(fromInstances(body, sig), sig)).toEqual({
      rows: 2,
      feeds: { age: { shape: [2, 1], data: [35, 51] }, purpose: { shape: [2, 1], data: ["car", "radio/tv"] } },
    });
  });

  it("names the row and the feature that is missing, unknown or of the wrong type", () => {
    expect(instancesError({ instances: [{ age: 35, purpose: "car" }, { age: 51 }] })).toBe('instances[1] is missing "purpose"');
    expect(instancesError({ instances: [{ age: 35, purpose: "car", colour: 1 }] })).toBe('instances[0] has unknown feature "colour"');
    expect(instancesError({ instances: [{ age: "old", purpose: "car" }] })).toBe('input "age": expects finite numbers (FP32)');
    expect(instancesError({ instances: [{ age: 35, purpose: "car" }, "x"] })).toBe("instances[1] must be an object");
  });

  it("refuses bodies without instances", () => {
    const form = 'body must be {"instances": [{feature: value, …}, …]}';
    expect(instancesError({ instances: [] })).toBe(form);
    expect(instancesError({ rows: [{ age: 1 }] })).toBe(form);
    expect(instancesError(null)).toBe(form);
  });

  it("refuses too many rows", () => {
    const rows = Array.from({ length: MAX_ROWS + 1 }, () => ({ age: 30, purpose: "car" }));
    expect(instancesError({ instances: rows })).toBe(`a request may carry at most ${MAX_ROWS} rows, got ${MAX_ROWS + 1}`);
  });

  it("sends models whose inputs are not [N,1] columns to the OIP form", () => {
    const image: Signature = { inputs: [{ name: "pixels", type: "float32", shape: ["N", 3] }], outputs: [] };
    expect(instancesError({ instances: [{ pixels: 1 }] }, image)).toBe('input "pixels" is not a [N,1] column; use the OIP v2 form');
  });
});

describe("batches", () => {
  const req = (ages: number[], purposes: string[]): Feeds => ({
    age: { shape: [ages.length, 1], data: ages },
    purpose: { shape: [purposes.length, 1], data: purposes },
  });

  it("merges requests along the batch dimension, in order", () => {
    const merged = mergeFeeds([req([1], ["a"]), req([2, 3], ["b", "c"]), req([4, 5, 6], ["d", "e", "f"])]);
    expect(merged).toEqual({ age: { shape: [6, 1], data: [1, 2, 3, 4, 5, 6] }, purpose: { shape: [6, 1], data: ["a", "b", "c", "d", "e", "f"] } });
  });

  it("passes a lone request through untouched", () => {
    const one = req([1, 2], ["a", "b"]);
    expect(mergeFeeds([one])).toBe(one);
  });

  it("splits batched outputs back by each request's row count", () => {
    const outputs = {
      probability: { shape: [6, 1], data: [0.1, 0.2, 0.3, 0.4, 0.5, 0.6] },
      scores: { shape: [6, 2], data: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12] },
    };
    expect(splitOutputs(outputs, [1, 2, 3])).toEqual([
      { probability: { shape: [1, 1], data: [0.1] }, scores: { shape: [1, 2], data: [1, 2] } },
      { probability: { shape: [2, 1], data: [0.2, 0.3] }, scores: { shape: [2, 2], data: [3, 4, 5, 6] } },
      { probability: { shape: [3, 1], data: [0.4, 0.5, 0.6] }, scores: { shape: [3, 2], data: [7, 8, 9, 10, 11, 12] } },
    ]);
  });

  it("gives each request back exactly its own rows after a merge and a split", () => {
    const parts = [req([10], ["a"]), req([20, 30, 40], ["b", "c", "d"]), req([50, 60], ["e", "f"])];
    const merged = mergeFeeds(parts);
    // an identity "model": the output is the age column
    const back = splitOutputs({ out: merged.age }, parts.map((p) => p.age.shape[0]));
    expect(back.map((o) => o.out)).toEqual(parts.map((p) => p.age));
  });

  it("merges typed requests by rows into one array per input and splits outputs back as views", () => {
    const parts = [toTensors(req([1], ["a"]), sig), toTensors(req([2, 3], ["b", "c"]), sig)];
    const merged = mergeTensors(parts);
    expect(merged.map((t) => [t.name, t.dims, Array.from(t.data as ArrayLike<unknown>)])).toEqual([["age", [3, 1], [1, 2, 3]], ["purpose", [3, 1], ["a", "b", "c"]]]);
    expect(merged[0].data).toBeInstanceOf(Float32Array);
    expect(mergeTensors([parts[0]])).toBe(parts[0]);
    const out = { name: "scores", type: "float32", dims: [3, 2], data: Float32Array.of(1, 2, 3, 4, 5, 6) };
    const back = splitTensors([out], [1, 2]);
    expect(back.map((o) => [o[0].dims, Array.from(o[0].data as Float32Array)])).toEqual([[[1, 2], [1, 2]], [[2, 2], [3, 4, 5, 6]]]);
    expect((back[1][0].data as Float32Array).buffer).toBe(out.data.buffer);
  });

  it("logs inputs column-wise, by feature, as plain lists (outputs with unstorable text escaped)", () => {
    expect(feedsToColumns(toTensors(req([1, 2], ["a", "b"]), sig))).toEqual({ age: [1, 2], purpose: ["a", "b"] });
    const out = [{ name: "label", type: "string", dims: [1], data: ["a\u0000b"] }, { name: "n", type: "int64", dims: [1], data: BigInt64Array.of(7n) }];
    expect(feedsToColumns(out, true)).toEqual({ label: ["a\\u0000b"], n: [7] });
  });
});

describe("warmupFeeds", () => {
  it("builds a one-row request of zeros and empty strings that the model's own check accepts", () => {
    const feeds = warmupFeeds(sig);
    expect(feeds).toEqual({ age: { shape: [1, 1], data: [0] }, purpose: { shape: [1, 1], data: [""] } });
    expect(validateFeeds(feeds, sig).rows).toBe(1);
  });

  it("keeps fixed dimensions and sets dynamic ones to 1", () => {
    const image: Signature = { inputs: [{ name: "pixels", type: "float32", shape: ["batch", 3, "h", 2] }, { name: "ids", type: "int64", shape: [-1, 4] }], outputs: [] };
    const feeds = warmupFeeds(image);
    expect(feeds.pixels).toEqual({ shape: [1, 3, 1, 2], data: new Array(6).fill(0) });
    expect(feeds.ids).toEqual({ shape: [1, 4], data: [0, 0, 0, 0] });
  });

  it("refuses a declared shape too large to build, before allocating it", () => {
    const huge: Signature = { inputs: [{ name: "x", type: "float32", shape: [1, 34_000_000] }], outputs: [] };
    expect(() => warmupFeeds(huge)).toThrow(WarmupTooLarge);
    expect(() => warmupFeeds(huge)).toThrow(`input "x" declares [1, 34000000]: 34000000 values for one row, more than a worker builds for a warm-up (${MAX_WARMUP_VALUES})`);
    expect(() => warmupFeeds({ inputs: [{ name: "x", type: "float32", shape: ["N", MAX_WARMUP_VALUES] }], outputs: [] })).not.toThrow();
  });
});

describe("probeRows", () => {
  it("builds distinct one-row requests the model's own check accepts", () => {
    const rows = probeRows(sig, 4);
    expect(rows).toHaveLength(4);
    for (const r of rows) expect(validateFeeds(r, sig).rows).toBe(1);
    expect(new Set(rows.map((r) => JSON.stringify(r))).size).toBe(4);
    expect(rows.every((r) => (r.age.data[0] as number) > 0 && (r.age.data[0] as number) < 1)).toBe(true);
  });

  it("builds fewer rows when the inputs are large, and none past the warm-up bound", () => {
    const wide: Signature = { inputs: [{ name: "x", type: "float32", shape: ["N", MAX_WARMUP_VALUES / 2] }], outputs: [] };
    expect(probeRows(wide, 4)).toHaveLength(2);
    expect(() => probeRows({ inputs: [{ name: "x", type: "int64", shape: [1, MAX_WARMUP_VALUES + 1] }], outputs: [] }, 4)).toThrow(WarmupTooLarge);
  }, 30_000); // fills arrays of the warm-up bound's size: seconds on a loaded 2-core machine
});

describe("oipDatatype", () => {
  it("maps onnxruntime types to OIP datatypes", () => {
    expect(["float32", "float64", "int64", "int32", "string", "bool"].map(oipDatatype)).toEqual(["FP32", "FP64", "INT64", "INT32", "BYTES", "BOOL"]);
    expect(oipDatatype("uint8")).toBe("UINT8");
  });
});
