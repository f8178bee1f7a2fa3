import { Readable } from "node:stream";
import { route } from "@/lib/api/handle";
import * as c from "@/lib/api/contracts/models";
import { findVersion } from "@/lib/registry/find-model";

export const GET = route(c.downloadArtifact, async ({ principal, params, services }) => {
  const { model, version } = await findVersion(services.db, principal.teamId, params.model, params.n);
  const stream = Readable.toWeb(services.store.open(version.sha256)) as ReadableStream<Uint8Array>;
  return new Response(stream, {
    headers: {
      "content-type": "application/octet-stream",
      "content-length": String(version.sizeBytes),
      "content-disposition": `attachment; filename="${model.name}-v${version.number}.onnx"`,
      etag: `"${version.sha256}"`,
      "x-checksum-sha256": version.sha256,
    },
  });
});
