// A download made while it is read: each chunk is produced when the client asks for more (pull),
// so a large export never sits in memory and a client that goes away stops the reads.
import { createLogger } from "../log";

const log = createLogger("api");

export function streamAttachment(chunks: AsyncIterator<string>, opts: { contentType: string; filename: string; headers?: Record<string, string> }): Response {
  const enc = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    async pull(ctl) {
      try {
        const next = await chunks.next();
        if (next.done) ctl.close();
        else ctl.enqueue(enc.encode(next.value));
      } catch (err) {
        // the status is already sent: the client sees a download that ends early
        log.error({ err }, "streamed download failed");
        ctl.error(err);
      }
    },
    async cancel() {
      await chunks.return?.(undefined);
    },
  });
  return new Response(body, {
    headers: {
      "content-type": opts.contentType,
      "content-disposition": `attachment; filename="${opts.filename}"`,
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
      ...opts.headers,
    },
  });
}
