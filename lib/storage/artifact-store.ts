// Content-addressed artifact storage. Local disk now; an S3-compatible store implements the
// same interface to scale out (several web/job hosts then share one bucket).
import { createReadStream } from "node:fs";
import { mkdir, rename, rm, stat } from "node:fs/promises";
import path from "node:path";
import { randomUUID } from "node:crypto";
import type { Readable } from "node:stream";

export interface ArtifactStore {
  /** A fresh path for an upload in progress; it is on the same filesystem as the store so `put` is a rename. */
  tempPath(): Promise<string>;
  /** Moves a finished temp file into place under its sha256. Returns false when the content was already stored. */
  put(tempFile: string, sha256: string): Promise<boolean>;
  has(sha256: string): Promise<boolean>;
  open(sha256: string): Readable;
  localPath(sha256: string): string;
  remove(sha256: string): Promise<void>;
}

export class LocalArtifactStore implements ArtifactStore {
  constructor(private readonly root: string) {}

  localPath(sha256: string): string {
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error("invalid sha256");
    return path.join(this.root, "sha256", sha256.slice(0, 2), sha256);
  }

  async tempPath(): Promise<string> {
    const dir = path.join(this.root, "tmp");
    await mkdir(dir, { recursive: true });
    return path.join(dir, `${randomUUID()}.part`);
  }

  async put(tempFile: string, sha256: string): Promise<boolean> {
    const dest = this.localPath(sha256);
    if (await this.has(sha256)) {
      await rm(tempFile, { force: true });
      return false;
    }
    await mkdir(path.dirname(dest), { recursive: true });
    await rename(tempFile, dest);
    return true;
  }

  async has(sha256: string): Promise<boolean> {
    return stat(this.localPath(sha256)).then(() => true, () => false);
  }

  open(sha256: string): Readable {
    return createReadStream(this.localPath(sha256));
  }

  async remove(sha256: string): Promise<void> {
    await rm(this.localPath(sha256), { force: true });
  }
}
