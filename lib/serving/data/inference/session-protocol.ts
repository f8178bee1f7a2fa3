// What the inference worker and its session processes (session-process.ts) say to each other over
// Node's IPC channel (structured clone, so typed arrays cross as binary, not as JSON lists).
import type { Signature } from "../../../onnx/signature";
import { tensorsToLists, toTensors, type Tensor, type TypedData } from "../../shared/tensors";

export type WireData = TypedData;
export type WireTensor = Tensor;
/** Named tensors in order: the inputs in the signature's order, the outputs in the model's. */
export type WireFeeds = Tensor[];

export type SessionConfig = { file: string; providers: string[]; intraOpThreads: number };

export type ToSession = ({ type: "load" } & SessionConfig) | { type: "run"; id: number; feeds: WireFeeds };
export type FromSession =
  | { type: "loaded"; signature: Signature }
  | { type: "load_failed"; message: string }
  | { type: "result"; id: number; outputs: WireFeeds }
  | { type: "run_failed"; id: number; message: string };

/** Validated request lists → typed arrays of the model's input types (shared/tensors.ts). */
export const feedsToWire = toTensors;
/** A session's outputs as plain lists, for JSON answers (int64 becomes number, bool 0/1). */
export const wireToOutputs = tensorsToLists;
