// Content-addressed artifact storage. Local disk now; an S3-compatible store implements the
// same interface to scale out (several web/job hosts then share one bucket).
//
// Write-once: an upload streams to a private temp file, and `put` links it into place under its
// sha256 only if that content is not stored yet; a stored file is never replaced, and no upload
// ever deletes one (another upload of the same bytes may have committed a version that refers to
// it). Files no version refers to are deleted later, only by the garbage collector
// (lib/registry/collect-artifacts.ts), once they are older than its grace period.
import { createReadStream } from "node:fs";
import { link, mkdir, readdir, rename, rm, stat, utimes } from "node:fs/promises";
import path from "node:path";
import { randomUUID } from "node:crypto";
import type { Readable } from "node:stream";

/** A stored artifact and when it was last stored (or stored again by an upload of the same bytes). */
export type StoredArtifact = { sha256: string; storedAt: Date };
/** A temp file: an upload in progress, or one a crashed process left behind. */
export type TempFile = { path: string; modifiedAt: Date };

export interface ArtifactStore {
  /** A fresh path for an upload in progress; it is on the same filesystem as the store so `put` is a link. */
  tempPath(): Promise<string>;
  /**
   * Moves a finished temp file into place under its sha256, unless that content is already stored:
   * then the temp file is dropped and the stored file's time is refreshed (it is in use again).
   * Never replaces or deletes a stored file. Returns false when the content was already stored.
   */
  put(tempFile: string, sha256: string): Promise<boolean>;
  has(sha256: string): Promise<boolean>;
  open(sha256: string): Readable;
  localPath(sha256: string): string;
  /** The stored artifact's time, or null when it is not stored. */
  stat(sha256: string): Promise<StoredArtifact | null>;
  /** Every stored artifact, for the garbage collector. */
  list(): AsyncIterable<StoredArtifact>;
  /** Every temp file, for the garbage collector. */
  listTemp(): Promise<TempFile[]>;
  /** Deletes a stored artifact. Only the garbage collector calls this, holding the artifact's lock. */
  remove(sha256: string): Promise<void>;
  /** Deletes a temp file (one that `listTemp` gave). */
  removeTemp(tempFile: string): Promise<void>;
}

const SHA256 = /^[0-9a-f]{64}$/;
const errno = (err: unknown) => (err as NodeJS.ErrnoException).code;

export class LocalArtifactStore implements ArtifactStore {
  private readonly root: string;

  constructor(root: string) {
    // absolute, so that paths in any message (or another process) mean the same file
    this.root = path.resolve(root);
  }

  localPath(sha256: string): string {
    if (!SHA256.test(sha256)) throw new Error("invalid sha256");
    return path.join(this.root, "sha256", sha256.slice(0, 2), sha256);
  }

  private get tempDir(): string {
    return path.join(this.root, "tmp");
  }

  async tempPath(): Promise<string> {
    await mkdir(this.tempDir, { recursive: true });
    return path.join(this.tempDir, `${randomUUID()}.part`);
  }

  async put(tempFile: string, sha256: string): Promise<boolean> {
    const dest = this.localPath(sha256);
    await mkdir(path.dirname(dest), { recursive: true });
    for (let attempt = 0; ; attempt++) {
      const placed = await this.place(tempFile, dest);
      try {
        // stored now, or again: its time says it is in use, so it is not collected as an old orphan
        await this.touch(dest);
      } catch (err) {
        if (errno(err) === "ENOENT" && attempt < 3) continue; // collected at this moment: store it again
        throw err;
      }
      await rm(tempFile, { force: true });
      return placed;
    }
  }

  /** Links the temp file in; false when the content is there already. link() never replaces a file. */
  private async place(tempFile: string, dest: string): Promise<boolean> {
    try {
      await link(tempFile, dest);
      return true;
    } catch (err) {
      if (errno(err) === "EEXIST") return false;
      if (!["EPERM", "ENOTSUP", "EOPNOTSUPP", "ENOSYS", "EXDEV"].includes(errno(err) ?? "")) throw err;
    }
    // a filesystem without hard links: rename, which at worst replaces a stored file by the same bytes
    if (await stat(dest).then(() => true, () => false)) return false;
    await rename(tempFile, dest);
    return true;
  }

  private async touch(file: string): Promise<void> {
    const now = new Date();
    await utimes(file, now, now);
  }

  async has(sha256: string): Promise<boolean> {
    return stat(this.localPath(sha256)).then(() => true, () => false);
  }

  open(sha256: string): Readable {
    return createReadStream(this.localPath(sha256));
  }

  async stat(sha256: string): Promise<StoredArtifact | null> {
    return stat(this.localPath(sha256)).then((s) => ({ sha256, storedAt: s.mtime }), () => null);
  }

  async *list(): AsyncIterable<StoredArtifact> {
    const base = path.join(this.root, "sha256");
    const prefixes = await readdir(base).catch(() => [] as string[]);
    for (const prefix of prefixes.sort()) {
      if (!/^[0-9a-f]{2}$/.test(prefix)) continue;
      const names = await readdir(path.join(base, prefix)).catch(() => [] as string[]);
      for (const name of names.sort()) {
        if (!SHA256.test(name) || !name.startsWith(prefix)) continue;
        const s = await this.stat(name);
        if (s) yield s;
      }
    }
  }

  async listTemp(): Promise<TempFile[]> {
    const names = await readdir(this.tempDir).catch(() => [] as string[]);
    const files = await Promise.all(
      names.map((name) => stat(path.join(this.tempDir, name)).then((s) => (s.isFile() ? { path: path.join(this.tempDir, name), modifiedAt: s.mtime } : null), () => null)),
    );
    return files.filter((f): f is TempFile => f !== null);
  }

  async remove(sha256: string): Promise<void> {
    await rm(this.localPath(sha256), { force: true });
  }

  async removeTemp(tempFile: string): Promise<void> {
    const resolved = path.resolve(tempFile);
    if (path.dirname(resolved) !== this.tempDir) throw new Error("not a temp file of this store");
    await rm(resolved, { force: true });
  }
}
