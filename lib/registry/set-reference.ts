// PUT …/versions/{n}/reference: gives a version pushed without reference data its reference data for
// drift reports, or replaces it (drift reports already made keep their figures; later ones use the new
// data). The data is checked and stored exactly as at a push (lib/reference/check-reference.ts), then
// the row is updated with its audit event in one transaction; a refused file leaves nothing.
import { rm } from "node:fs/promises";
import type { Db } from "../db/client";
import type { Actor } from "../auth/principal";
import type { ArtifactStore } from "../storage/artifact-store";
import { recordAudit } from "../audit/record-audit";
import { readJson } from "../db/json";
import { signatureSchema } from "../onnx/signature";
import { checkReference, type CheckedReference, type ReferenceLimits } from "../reference/check-reference";
import { findVersion } from "./find-model";
import { lockArtifact } from "./lock-artifact";
import { lockVersion } from "./lock-version";
import { toReferenceView, toVersionView, VERSION_INCLUDE } from "./views";
import type { FinishedUpload } from "./create-version";

export async function setReference(opts: {
  db: Db; store: ArtifactStore; teamId: string; modelName: string; number: number;
  /** the pushed file (CSV with a header, or JSON Lines) */
  reference: FinishedUpload;
  actor: Actor; limits?: ReferenceLimits;
}) {
  const { db, store } = opts;
  let checked: CheckedReference | null = null;
  try {
    const { model, version } = await findVersion(db, opts.teamId, opts.modelName, opts.number);
    const signature = readJson(signatureSchema, version.signature, "signature");
    checked = await checkReference({ file: opts.reference.tempFile, sha256: opts.reference.sha256, signature, store, field: "reference", limits: opts.limits });
    const ref = checked;
    return await db.$transaction(async (tx) => {
      const locked = await lockVersion(tx, model, opts.number);
      await lockArtifact(tx, ref.sha256, "upload");
      await store.put(ref.tempFile, ref.sha256);
      const row = await tx.modelVersion.update({
        where: { id: locked.id },
        // the profile follows the data unless one was pushed as such (metadata.referenceProfile) with no data
        data: { referenceSha256: ref.sha256, referenceRows: ref.rows, referenceSampledFrom: ref.sampledFrom, ...(locked.referenceProfile == null || locked.referenceSha256 ? { referenceProfile: ref.profile } : {}) },
        include: VERSION_INCLUDE,
      });
      await recordAudit(tx, {
        teamId: opts.teamId, actor: opts.actor, action: "version.reference.set", resourceType: "version", resourceId: locked.id,
        before: { model: model.name, version: opts.number, reference: toReferenceView(locked) },
        after: { model: model.name, version: opts.number, reference: toReferenceView(row) },
      });
      return toVersionView(row);
    });
  } finally {
    await rm(opts.reference.tempFile, { force: true });
    if (checked) await rm(checked.tempFile, { force: true });
  }
}
