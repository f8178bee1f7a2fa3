// Entry of an inline thread: a worker thread of the gateway that holds onnxruntime sessions of the
// inline versions and runs one task at a time. session.run blocks this thread, never the gateway's
// event loop. A run past its limit cannot be interrupted here (terminating a thread inside
// session.run aborts the whole process): the gateway sets the thread aside and terminates it once
// the run has returned (inline-thread-handle.ts).
import { parentPort } from "node:worker_threads";
import * as ort from "onnxruntime-node";
import { SESSION_OPTIONS } from "../../../onnx/session-options";
import { specsFromMetadata } from "../../../onnx/signature";
import { ortToWire, wireToOrt } from "../inference/ort-tensors";
import type { FromThread, ToThread } from "./inline-protocol";

const sessions = new Map<string, ort.InferenceSession>();
const port = parentPort!;
const reason = (err: unknown) => String((err as Error)?.message ?? err).replace(/\s+/g, " ").slice(0, 500);
const reply = (m: FromThread) => port.postMessage(m);

async function handle(m: ToThread): Promise<FromThread> {
  if (m.type === "load") {
    if (!sessions.has(m.versionId)) {
      sessions.set(m.versionId, await ort.InferenceSession.create(m.file, { executionProviders: ["cpu"], ...SESSION_OPTIONS, intraOpNumThreads: m.intraOpThreads }));
    }
    const s = sessions.get(m.versionId)!;
    return { id: m.id, ok: true, value: { inputs: specsFromMetadata(s.inputMetadata), outputs: specsFromMetadata(s.outputMetadata) } };
  }
  if (m.type === "unload") {
    const s = sessions.get(m.versionId);
    sessions.delete(m.versionId);
    await s?.release();
    return { id: m.id, ok: true, value: null };
  }
  const s = sessions.get(m.versionId);
  if (!s) throw new Error(`version ${m.versionId} is not loaded in this thread`);
  return { id: m.id, ok: true, value: ortToWire(await s.run(wireToOrt(m.feeds))) };
}

port.on("message", (m: ToThread) => {
  handle(m).then(reply, (err: unknown) => reply({ id: m.id, ok: false, message: reason(err) }));
});
