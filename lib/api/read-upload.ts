// Streams a multipart upload (`file` + `metadata` JSON, and optional further files such as a version's
// `reference` data) to temp files while hashing them, so a large model never sits in memory. Any
// failure removes the temp files before it is reported.
import { createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { rm } from "node:fs/promises";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import Busboy from "busboy";
import type { ArtifactStore } from "../storage/artifact-store";
import { AppError } from "../errors";
import { RequestError } from "./handle";
import { jsonDepthExceeds } from "../json-depth";

export type UploadedFile = { tempFile: string; sha256: string; sizeBytes: number };
export type ParsedUpload = UploadedFile & { fields: Record<string, string>; files: Record<string, UploadedFile> };

/** An optional file part besides the main one, with its own size limit (named in the 413). */
export type ExtraFile = { maxBytes: number; limitName: string };

export async function readUpload(req: Request, opts: { store: ArtifactStore; maxBytes: number; fileField?: string; limitName?: string; extraFiles?: Record<string, ExtraFile> }): Promise<ParsedUpload> {
  const fileField = opts.fileField ?? "file";
  const parts: Record<string, ExtraFile> = { [fileField]: { maxBytes: opts.maxBytes, limitName: opts.limitName ?? "MAX_UPLOAD_BYTES" }, ...opts.extraFiles };
  const type = req.headers.get("content-type") ?? "";
  if (!type.startsWith("multipart/form-data")) throw new AppError("bad_request", `body must be multipart/form-data with a '${fileField}' part`);
  const declared = Number(req.headers.get("content-length") ?? 0);
  // multipart framing and the metadata part add to the files; 1 MiB of slack covers them
  if (declared > Object.values(parts).reduce((n, p) => n + p.maxBytes, 0) + 1024 * 1024) throw tooLarge(fileField, parts[fileField]);
  if (!req.body) throw new AppError("bad_request", `${fileField}: a '${fileField}' part is required`);

  const fields: Record<string, string> = {};
  type Receiving = UploadedFile & { hash: ReturnType<typeof createHash>; truncated: boolean; done: Promise<void> };
  const received: Record<string, Receiving> = {};
  let repeated: string | null = null;
  const tempFiles = async () => {
    const all = Object.values(received);
    await Promise.all(all.map((f) => f.done.catch(() => {})));
    return all.map((f) => f.tempFile);
  };

  try {
    await new Promise<void>((resolve, reject) => {
      let bb: Busboy.Busboy;
      try {
        bb = Busboy({ headers: { "content-type": type }, limits: { fileSize: Math.max(...Object.values(parts).map((p) => p.maxBytes)), files: Object.keys(parts).length + 1, fields: 10, fieldSize: 16 * 1024 * 1024 } });
      } catch {
        return reject(new AppError("bad_request", "malformed multipart body"));
      }
      bb.on("file", (name, stream) => {
        const part = Object.hasOwn(parts, name) ? parts[name] : null;
        if (!part || received[name]) {
          if (part) repeated = name;
          return stream.resume();
        }
        const f: Receiving = { tempFile: "", sha256: "", sizeBytes: 0, hash: createHash("sha256"), truncated: false, done: Promise.resolve() };
        received[name] = f;
        // busboy stops a part at its own limit (the largest part's) and says so at once, maybe before the temp file exists
        stream.on("limit", () => { f.truncated = true; });
        f.done = opts.store.tempPath().then((tempFile) => {
          f.tempFile = tempFile;
          // counts and hashes; past this part's limit it only counts (nothing more reaches the disk)
          const count = new Transform({
            transform(chunk: Buffer, _enc, done) {
              f.sizeBytes += chunk.length;
              if (f.sizeBytes > part.maxBytes) { f.truncated = true; return done(); }
              f.hash.update(chunk);
              done(null, chunk);
            },
          });
          return pipeline(stream, count, createWriteStream(tempFile));
        });
      });
      bb.on("field", (name, value) => { fields[name] = value; });
      bb.on("error", () => reject(new AppError("bad_request", "upload did not complete")));
      bb.on("close", () => resolve());
      const source = Readable.fromWeb(req.body as import("node:stream/web").ReadableStream<Uint8Array>);
      source.on("error", () => reject(new AppError("bad_request", "upload did not complete")));
      source.pipe(bb);
    });
    for (const f of Object.values(received)) await f.done;
    for (const [name, f] of Object.entries(received)) if (f.truncated) throw tooLarge(name, parts[name]);
    if (repeated) throw new AppError("bad_request", `${repeated}: send one '${repeated}' part`);
    const main = received[fileField];
    if (!main) throw new AppError("bad_request", `${fileField}: a '${fileField}' part is required`);
    const done = (f: Receiving): UploadedFile => ({ tempFile: f.tempFile, sha256: f.hash.digest("hex"), sizeBytes: f.sizeBytes });
    const files = Object.fromEntries(Object.entries(received).filter(([name]) => name !== fileField).map(([name, f]) => [name, done(f)]));
    return { ...done(main), fields, files };
  } catch (err) {
    for (const file of await tempFiles()) if (file) await rm(file, { force: true });
    throw err instanceof AppError ? err : new AppError("bad_request", "upload did not complete");
  }
}

const tooLarge = (name: string, part: ExtraFile) => new RequestError(`${name} is larger than the limit of ${part.maxBytes} bytes (${part.limitName})`, name, "payload_too_large");

/** Metadata nests a few levels (a reference profile: feature → statistic → values); deeper is refused unparsed. */
export const MAX_FIELD_DEPTH = 32;

export function parseJsonField(fields: Record<string, string>, name: string): unknown {
  const raw = fields[name];
  if (raw === undefined || raw.trim() === "") return {};
  if (jsonDepthExceeds(Buffer.from(raw, "utf8"), MAX_FIELD_DEPTH)) throw new AppError("bad_request", `${name}: nests arrays and objects deeper than ${MAX_FIELD_DEPTH} levels`);
  try {
    return JSON.parse(raw);
  } catch {
    throw new AppError("bad_request", `${name}: malformed JSON`);
  }
}
