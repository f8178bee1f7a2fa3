// The gateway → worker batch frame: every dtype survives a round trip byte for byte, strings keep
// their multibyte characters, and a frame that is truncated or garbage is refused with a FrameError
// (a clear message, never a crash or a runaway allocation).
import { describe, expect, it } from "vitest";
import { decodeAnswers, decodeRequests, encodeAnswers, encodeRequests, FrameError } from "@/lib/serving/shared/batch-frame";
import type { Tensor } from "@/lib/serving/shared/tensors";

const values = (t: Tensor) => (Array.isArray(t.data) ? t.data : Array.from(t.data as ArrayLike<number | bigint>));

const EVERY_DTYPE: Tensor[] = [
  { name: "f32", type: "float32", dims: [2, 2], data: Float32Array.of(0.5, -1.25, 3.4028234663852886e38, Number.NaN) },
  { name: "f64", type: "float64", dims: [3, 1], data: Float64Array.of(Math.PI, -0, 1e-308) },
  { name: "i32", type: "int32", dims: [2, 1], data: Int32Array.of(-2147483648, 2147483647) },
  { name: "i64", type: "int64", dims: [2, 1], data: BigInt64Array.of(-9223372036854775808n, 9007199254740993n) },
  { name: "b", type: "bool", dims: [3, 1], data: Uint8Array.of(1, 0, 1) },
  { name: "s", type: "string", dims: [4, 1], data: ["", "plain", "crédit — ünïcode", "emoji 🚀 and 中文"] },
  { name: "u8", type: "uint8", dims: [1, 2], data: Uint8Array.of(0, 255) },
  { name: "i8", type: "int8", dims: [1, 2], data: Int8Array.of(-128, 127) },
  { name: "i16", type: "int16", dims: [1, 2], data: Int16Array.of(-32768, 32767) },
  { name: "u16", type: "uint16", dims: [1, 2], data: Uint16Array.of(0, 65535) },
  { name: "u32", type: "uint32", dims: [1, 2], data: Uint32Array.of(0, 4294967295) },
  { name: "u64", type: "uint64", dims: [1, 1], data: BigUint64Array.of(18446744073709551615n) },
  { name: "f16", type: "float16", dims: [1, 2], data: Uint16Array.of(0x3c00, 0xc000) },
  { name: "empty", type: "float32", dims: [0, 3], data: new Float32Array(0) },
];

describe("batch frame", () => {
  it("carries every dtype through an answer unchanged (names, dims, values, array kinds)", () => {
    const back = decodeAnswers(encodeAnswers([{ outputs: EVERY_DTYPE }]));
    expect(back).toHaveLength(1);
    const outputs = (back[0] as { outputs: Tensor[] }).outputs;
    expect(outputs.map((t) => [t.name, t.type, t.dims])).toEqual(EVERY_DTYPE.map((t) => [t.name, t.type, t.dims]));
    outputs.forEach((t, i) => {
      expect(values(t)).toEqual(values(EVERY_DTYPE[i]));
      expect(t.data.constructor).toBe(EVERY_DTYPE[i].data.constructor);
    });
  });

  it("carries requests in order with their rows; inputs come back unnamed, in the sent order", () => {
    const a: Tensor[] = [{ name: "age", type: "float32", dims: [2, 1], data: Float32Array.of(35, 51) }, { name: "purpose", type: "string", dims: [2, 1], data: ["car", "télé"] }];
    const b: Tensor[] = [{ name: "age", type: "float32", dims: [1, 1], data: Float32Array.of(20) }, { name: "purpose", type: "string", dims: [1, 1], data: ["radio/tv"] }];
    const back = decodeRequests(encodeRequests([a, b]));
    expect(back.map((r) => r.rows)).toEqual([2, 1]);
    expect(back.map((r) => r.inputs.map((t) => [t.name, t.type, t.dims, values(t)]))).toEqual([
      [["", "float32", [2, 1], [35, 51]], ["", "string", [2, 1], ["car", "télé"]]],
      [["", "float32", [1, 1], [20]], ["", "string", [1, 1], ["radio/tv"]]],
    ]);
  });

  it("views aligned numbers in place and copies them when the frame sits at an odd offset", () => {
    const frame = encodeRequests([[EVERY_DTYPE[1]]]);
    const aligned = Buffer.from(new Uint8Array(frame)); // a fresh, aligned copy
    expect((decodeRequests(aligned)[0].inputs[0].data as Float64Array).buffer).toBe(aligned.buffer);
    const shifted = Buffer.alloc(frame.length + 1).subarray(1);
    frame.copy(shifted);
    expect(values(decodeRequests(shifted)[0].inputs[0])).toEqual(values(EVERY_DTYPE[1]));
  });

  it("carries per-request errors next to outputs", () => {
    const back = decodeAnswers(encodeAnswers([{ error: { status: 400, code: "bad_request", message: "input \"age\": ça ne va pas" } }, { outputs: [EVERY_DTYPE[0]] }]));
    expect(back[0]).toEqual({ error: { status: 400, code: "bad_request", message: "input \"age\": ça ne va pas" } });
    expect("outputs" in back[1]).toBe(true);
  });

  it("refuses every truncation of a valid frame with a FrameError", () => {
    const frame = encodeAnswers([{ outputs: EVERY_DTYPE }, { error: { status: 504, code: "model_timeout", message: "slow" } }]);
    for (let n = 0; n < frame.length; n++) {
      expect(() => decodeAnswers(frame.subarray(0, n)), `first ${n} bytes`).toThrow(FrameError);
    }
    const req = encodeRequests([EVERY_DTYPE]);
    for (let n = 0; n < req.length; n++) expect(() => decodeRequests(req.subarray(0, n))).toThrow(FrameError);
  });

  it("says what is wrong with garbage, another version, the wrong kind or trailing bytes", () => {
    const req = encodeRequests([[EVERY_DTYPE[0]]]);
    expect(() => decodeRequests(Buffer.from('{"requests":[]}'))).toThrow(/not a batch frame/);
    expect(() => decodeRequests(Buffer.from([0x53, 0x59, 9, 1, 0, 0, 0, 0]))).toThrow(/version 9; this build reads version 1/);
    expect(() => decodeAnswers(req)).toThrow(/kind 1 where kind 2 \(answer\)/);
    expect(() => decodeRequests(Buffer.concat([req, Buffer.from([0])]))).toThrow(/1 bytes past its last item/);
    const badType = Buffer.from(req);
    badType[16] = 99; // the first tensor's dtype byte
    expect(() => decodeRequests(badType)).toThrow(/unknown dtype code 99/);
    const huge = Buffer.from(req);
    huge.writeUInt32LE(0xffffffff, 4); // a count no frame could hold
    expect(() => decodeRequests(huge)).toThrow(/cannot fit/);
  });

  it("never crashes on random bytes: it decodes or throws FrameError", () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    const valid = encodeRequests([EVERY_DTYPE]);
    for (let i = 0; i < 2000; i++) {
      const b = Buffer.from(valid);
      for (let k = 0; k < 4; k++) b[8 + Math.floor(rand() * (b.length - 8))] = Math.floor(rand() * 256);
      try {
        decodeRequests(b);
      } catch (err) {
        expect(err).toBeInstanceOf(FrameError);
      }
    }
  });
});
