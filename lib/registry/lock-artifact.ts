// One Postgres advisory lock per stored artifact (by sha256), taken inside a transaction and released
// when it ends. An upload holds it shared from just before its file is placed in the store until its
// version row commits; the garbage collector needs it exclusively to delete a file and does not
// wait for it. So a file is never collected while an upload that is about to refer to it is in
// flight, and the lock of an upload whose process died goes away with its connection.
import type { Prisma } from "../db/client";

/** The advisory-lock namespace (first key) of artifact locks: "SYAR". */
const ARTIFACT_LOCK_NAMESPACE = 0x53594152;

/** The second key: the sha256's first 32 bits. Two artifacts sharing it only wait on each other. */
const lockKey = (sha256: string) => Number.parseInt(sha256.slice(0, 8), 16) | 0;

type Tx = Pick<Prisma.TransactionClient, "$queryRaw">;

/**
 * "upload": waits for the artifact's lock, shared with other uploads; returns true.
 * "collect": takes it exclusively if no upload holds it; returns whether it did.
 */
export async function lockArtifact(tx: Tx, sha256: string, purpose: "upload" | "collect"): Promise<boolean> {
  const key = lockKey(sha256);
  if (purpose === "upload") {
    await tx.$queryRaw`SELECT pg_advisory_xact_lock_shared(${ARTIFACT_LOCK_NAMESPACE}::int4, ${key}::int4)::text AS locked`;
    return true;
  }
  const rows = await tx.$queryRaw<{ locked: boolean }[]>`SELECT pg_try_advisory_xact_lock(${ARTIFACT_LOCK_NAMESPACE}::int4, ${key}::int4) AS locked`;
  return rows[0]?.locked === true;
}
