// Garbage collection of the content-addressed store. Uploads never delete a stored file (another
// upload of the same bytes may have committed a version that refers to it); this deletes, later,
// the files that no ModelVersion refers to (as its artifact or its reference data) and that were last stored longer ago than the grace
// period, and temp files idle that long (left by an upload whose process died). Each deletion is
// decided under the artifact's lock (lib/registry/lock-artifact.ts), which an upload holds from
// placing its file until its row commits: a file an upload is about to refer to is never deleted.
import type { Db } from "../db/client";
import type { ArtifactStore } from "../storage/artifact-store";
import { lockArtifact } from "./lock-artifact";

export type CollectedArtifacts = { removed: string[]; removedTemp: number };

const CHUNK = 1000;

export async function collectArtifacts(opts: { db: Db; store: ArtifactStore; graceMs: number }): Promise<CollectedArtifacts> {
  const { db, store } = opts;
  const cutoff = Date.now() - opts.graceMs;

  const old: string[] = [];
  for await (const a of store.list()) if (a.storedAt.getTime() <= cutoff) old.push(a.sha256);
  const referenced = new Set<string>();
  for (let i = 0; i < old.length; i += CHUNK) {
    const chunk = old.slice(i, i + CHUNK);
    const rows = await db.modelVersion.findMany({ where: { OR: [{ sha256: { in: chunk } }, { referenceSha256: { in: chunk } }] }, select: { sha256: true, referenceSha256: true } });
    for (const r of rows) {
      referenced.add(r.sha256);
      if (r.referenceSha256) referenced.add(r.referenceSha256);
    }
  }

  const removed: string[] = [];
  for (const sha256 of old.filter((s) => !referenced.has(s))) {
    const gone = await db.$transaction(async (tx) => {
      if (!(await lockArtifact(tx, sha256, "collect"))) return false; // an upload is storing these bytes now
      if (await tx.modelVersion.count({ where: { OR: [{ sha256 }, { referenceSha256: sha256 }] } })) return false; // a version refers to it since the scan
      const now = await store.stat(sha256);
      if (!now || now.storedAt.getTime() > cutoff) return false; // stored again since the scan
      await store.remove(sha256);
      return true;
    });
    if (gone) removed.push(sha256);
  }

  // A temp file is private to its upload, which removes it when it ends; one idle past the grace
  // period belongs to an upload whose process died.
  let removedTemp = 0;
  for (const t of await store.listTemp()) {
    if (t.modifiedAt.getTime() > cutoff) continue;
    await store.removeTemp(t.path);
    removedTemp++;
  }
  return { removed, removedTemp };
}
