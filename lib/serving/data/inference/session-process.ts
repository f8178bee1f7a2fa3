// Entry script of a session process: one per model version loaded on an inference worker, forked
// by session-runner.ts. It holds the version's onnxruntime session and runs one batch at a time;
// session.run blocks this process, never the worker's event loop, and a batch that runs past its
// limit is stopped by killing this process (a thread stuck in native code cannot be stopped).
import * as ort from "onnxruntime-node";
import { exitWithParent } from "../../../exit-with-parent";
import { SESSION_OPTIONS } from "../../../onnx/session-options";
import { specsFromMetadata } from "../../../onnx/signature";
import { ortToWire, wireToOrt } from "./ort-tensors";
import type { FromSession, ToSession } from "./session-protocol";

let session: ort.InferenceSession | null = null;
const send = (m: FromSession) => process.send!(m);
const reason = (err: unknown) => String((err as Error)?.message ?? err).replace(/\s+/g, " ").slice(0, 500);

// The worker holds the other end of the IPC channel: when it goes, so does this process (also
// in the middle of a run, which never hears 'disconnect').
process.on("disconnect", () => process.exit(0));
exitWithParent();

process.on("message", async (m: ToSession) => {
  if (m.type === "load") {
    try {
      session = await ort.InferenceSession.create(m.file, {
        executionProviders: m.providers as ort.InferenceSession.ExecutionProviderConfig[],
        ...SESSION_OPTIONS, // the upload validator's too (lib/onnx/inspect-model-process.ts)
        intraOpNumThreads: m.intraOpThreads,
      });
      send({ type: "loaded", signature: { inputs: specsFromMetadata(session.inputMetadata), outputs: specsFromMetadata(session.outputMetadata) } });
    } catch (err) {
      send({ type: "load_failed", message: reason(err) });
    }
    return;
  }
  try {
    if (!session) throw new Error("no model loaded");
    send({ type: "result", id: m.id, outputs: ortToWire(await session.run(wireToOrt(m.feeds))) });
  } catch (err) {
    send({ type: "run_failed", id: m.id, message: reason(err) });
  }
});
