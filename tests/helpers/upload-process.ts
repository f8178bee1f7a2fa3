// An upload in a process of its own, for tests that kill it midway (tests/security/artifacts-and-input.test.ts).
// UPLOAD_MODE=stream: streams a multipart upload whose client never finishes (the temp file grows, then waits).
// UPLOAD_MODE=version: registers UPLOAD_FILE as a version of UPLOAD_MODEL in team UPLOAD_TEAM_ID with
// createVersion, as the upload route does; the test holds the model's row lock so it stops after storing the file.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { createDb } from "../../lib/db/client";
import { LocalArtifactStore } from "../../lib/storage/artifact-store";
import { readUpload } from "../../lib/api/read-upload";
import { createVersion } from "../../lib/registry/create-version";
import { SYSTEM_ACTOR } from "../../lib/auth/principal";

const env = process.env;
const store = new LocalArtifactStore(env.ARTIFACT_DIR!);

if (env.UPLOAD_MODE === "stream") {
  const enc = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    start(ctl) {
      ctl.enqueue(enc.encode('--b\r\nContent-Disposition: form-data; name="file"; filename="m.onnx"\r\nContent-Type: application/octet-stream\r\n\r\n'));
      ctl.enqueue(new Uint8Array(64 * 1024).fill(7));
      console.log("streaming");
      // and nothing more: the client stalls until the process is killed
    },
  });
  const req = new Request("http://localhost/upload", { method: "POST", headers: { "content-type": "multipart/form-data; boundary=b" }, body, duplex: "half" } as RequestInit);
  await readUpload(req, { store, maxBytes: 1024 * 1024 });
} else {
  const db = createDb(env.DATABASE_URL!);
  const bytes = readFileSync(env.UPLOAD_FILE!);
  const tempFile = await store.tempPath();
  await writeFile(tempFile, bytes);
  console.log("registering");
  await createVersion({
    db, store, teamId: env.UPLOAD_TEAM_ID!, modelName: env.UPLOAD_MODEL!, actor: SYSTEM_ACTOR,
    upload: { tempFile, sha256: createHash("sha256").update(bytes).digest("hex"), sizeBytes: bytes.length },
    metadata: { metrics: {}, params: {}, tags: [] },
  });
  console.log("registered");
  await db.$disconnect();
}
