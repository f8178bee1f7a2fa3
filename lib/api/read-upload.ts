// Streams a multipart upload (`file` + `metadata` JSON) to a temp file while hashing it, so a
// large model never sits in memory. Any failure removes the temp file before it is reported.
import { createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { rm } from "node:fs/promises";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import Busboy from "busboy";
import type { ArtifactStore } from "../storage/artifact-store";
import { AppError } from "../errors";
import { jsonDepthExceeds } from "../json-depth";

export type ParsedUpload = { tempFile: string; sha256: string; sizeBytes: number; fields: Record<string, string> };

export async function readUpload(req: Request, opts: { store: ArtifactStore; maxBytes: number; fileField?: string }): Promise<ParsedUpload> {
  const fileField = opts.fileField ?? "file";
  const type = req.headers.get("content-type") ?? "";
  if (!type.startsWith("multipart/form-data")) throw new AppError("bad_request", `body must be multipart/form-data with a '${fileField}' part`);
  const declared = Number(req.headers.get("content-length") ?? 0);
  // multipart framing and the metadata part add to the file; 1 MiB of slack covers them
  if (declared > opts.maxBytes + 1024 * 1024) throw tooLarge(opts.maxBytes);
  if (!req.body) throw new AppError("bad_request", `file: a '${fileField}' part is required`);

  const tempFile = await opts.store.tempPath();
  const fields: Record<string, string> = {};
  let sizeBytes = 0;
  let sawFile = false;
  let truncated = false;
  const hash = createHash("sha256");
  let fileDone: Promise<void> = Promise.resolve();

  try {
    await new Promise<void>((resolve, reject) => {
      let bb: Busboy.Busboy;
      try {
        bb = Busboy({ headers: { "content-type": type }, limits: { fileSize: opts.maxBytes, files: 1, fields: 10, fieldSize: 16 * 1024 * 1024 } });
      } catch {
        return reject(new AppError("bad_request", "malformed multipart body"));
      }
      bb.on("file", (name, stream) => {
        if (name !== fileField) return stream.resume();
        sawFile = true;
        stream.on("data", (chunk: Buffer) => { hash.update(chunk); sizeBytes += chunk.length; });
        stream.on("limit", () => { truncated = true; });
        fileDone = pipeline(stream, createWriteStream(tempFile));
      });
      bb.on("field", (name, value) => { fields[name] = value; });
      bb.on("error", () => reject(new AppError("bad_request", "upload did not complete")));
      bb.on("close", () => resolve());
      const source = Readable.fromWeb(req.body as import("node:stream/web").ReadableStream<Uint8Array>);
      source.on("error", () => reject(new AppError("bad_request", "upload did not complete")));
      source.pipe(bb);
    });
    await fileDone;
    if (truncated) throw tooLarge(opts.maxBytes);
    if (!sawFile) throw new AppError("bad_request", `file: a '${fileField}' part is required`);
    return { tempFile, sha256: hash.digest("hex"), sizeBytes, fields };
  } catch (err) {
    await fileDone.catch(() => {});
    await rm(tempFile, { force: true });
    throw err instanceof AppError ? err : new AppError("bad_request", "upload did not complete");
  }
}

const tooLarge = (max: number) => new AppError("payload_too_large", `file is larger than the limit of ${max} bytes (MAX_UPLOAD_BYTES)`);

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
