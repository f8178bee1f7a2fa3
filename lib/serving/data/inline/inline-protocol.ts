// What the gateway and its inline threads (inline-thread.ts) say to each other: one task at a
// time per thread, each answered under its id. Typed arrays cross by structured clone.
import type { Signature } from "../../../onnx/signature";
import type { WireFeeds } from "../inference/session-protocol";

export type ThreadTask =
  | { type: "load"; versionId: string; file: string; intraOpThreads: number }
  | { type: "unload"; versionId: string }
  | { type: "run"; versionId: string; feeds: WireFeeds };

export type ToThread = ThreadTask & { id: number };

export type FromThread = { id: number; ok: true; value: Signature | WireFeeds | null } | { id: number; ok: false; message: string };
