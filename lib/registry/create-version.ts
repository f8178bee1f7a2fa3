// Registers an uploaded ONNX file as the model's next version. The file has been streamed to a
// private temp path and hashed; here it is validated (static checks and a trial load in a separate
// process with time and memory limits: lib/onnx/inspect-model.ts), checked against the model (parent
// version), then placed in the content-addressed store (write-once) and recorded with its audit event
// in one transaction. A failure removes the temp file and never a stored file: the same bytes may belong
// to a version another upload committed. A stored file that no version refers to (this upload failed
// after placing it) is deleted later by the artifact garbage collector.
//
// Reference data for drift reports (the `reference` part, or metadata.referenceData, or rows the
// built-in trainer hands in) is checked against the model's inputs in a child process too
// (lib/reference/check-reference.ts) and stored the same way, content-addressed, beside the artifact.
import { rm } from "node:fs/promises";
import type { Db, Prisma } from "../db/client";
import type { Actor } from "../auth/principal";
import type { ArtifactStore } from "../storage/artifact-store";
import { recordAudit } from "../audit/record-audit";
import { AppError } from "../errors";
import { inspectModel, type ModelLimits } from "../onnx/inspect-model";
import { checkReference, type CheckedReference, type ReferenceLimits } from "../reference/check-reference";
import { writeRowsFile } from "../reference/write-rows-file";
import { findModel } from "./find-model";
import { lockArtifact } from "./lock-artifact";
import { toVersionView, VERSION_INCLUDE } from "./views";
import type { VersionMetadata } from "./version-metadata";
import { toJson } from "../db/json";
import { emitEvent } from "../notifications/emit-event";
import { queueDeliveries } from "../notifications/queue-deliveries";

export type FinishedUpload = { tempFile: string; sha256: string; sizeBytes: number };

export async function createVersion(opts: {
  db: Db;
  store: ArtifactStore;
  teamId: string;
  modelName: string;
  upload: FinishedUpload;
  metadata: VersionMetadata;
  /** reference data pushed with the version (CSV with a header, or JSON Lines); metadata.referenceData is the other way to give it */
  reference?: FinishedUpload;
  source?: "upload" | "retrain";
  actor: Actor;
  /** limits on the model (default: DEFAULT_MODEL_LIMITS); the web passes its configured ones */
  limits?: ModelLimits;
  /** limits on the reference data check (default: DEFAULT_REFERENCE_LIMITS) */
  referenceLimits?: ReferenceLimits;
  /** Redis for queueing the `version.created` notifications (unset: the reconciler queues them) */
  redisUrl?: string;
}) {
  const { db, store, upload, metadata } = opts;
  let rowsFile: FinishedUpload | null = null;
  let reference: CheckedReference | null = null;
  try {
    const model = await findModel(db, opts.teamId, opts.modelName);
    if (opts.reference && metadata.referenceData) {
      throw new AppError("bad_request", "give reference data once: the `reference` part or metadata.referenceData, not both", { field: "referenceData" });
    }
    const signature = await inspectModel({ file: upload.tempFile, sizeBytes: upload.sizeBytes, limits: opts.limits });
    const unknownParent = () => new AppError("bad_request", `version ${metadata.parentVersion} does not exist`, { field: "parentVersion" });
    // checked before the file is stored too, so that such a push stores nothing (versions are never deleted)
    if (metadata.parentVersion && !(await db.modelVersion.findUnique({ where: { modelId_number: { modelId: model.id, number: metadata.parentVersion } } }))) throw unknownParent();
    if (metadata.referenceData) rowsFile = await writeRowsFile(store, metadata.referenceData);
    const pushed = opts.reference ?? rowsFile;
    if (pushed) {
      reference = await checkReference({ file: pushed.tempFile, sha256: pushed.sha256, signature, store, field: opts.reference ? "reference" : "referenceData", limits: opts.referenceLimits });
    }
    // a profile given as such is stored as given; otherwise the reference data's
    const profile = metadata.referenceProfile ?? reference?.profile;

    const created = await db.$transaction(async (tx) => {
      // held until the row commits: the garbage collector cannot take the files away meanwhile
      await lockArtifact(tx, upload.sha256, "upload");
      await store.put(upload.tempFile, upload.sha256);
      if (reference) {
        await lockArtifact(tx, reference.sha256, "upload");
        await store.put(reference.tempFile, reference.sha256);
      }
      const parent = metadata.parentVersion
        ? await tx.modelVersion.findUnique({ where: { modelId_number: { modelId: model.id, number: metadata.parentVersion } } })
        : null;
      if (metadata.parentVersion && !parent) throw unknownParent();
      // The row lock taken by this update makes concurrent pushes get consecutive numbers.
      const { latestVersion: number } = await tx.model.update({ where: { id: model.id }, data: { latestVersion: { increment: 1 } } });
      const version = await tx.modelVersion.create({
        data: {
          modelId: model.id,
          number,
          sha256: upload.sha256,
          sizeBytes: upload.sizeBytes,
          signature: toJson(signature),
          metrics: metadata.metrics,
          params: toJson(metadata.params),
          tags: metadata.tags,
          dataset: metadata.dataset ?? null,
          description: metadata.description ?? "",
          source: opts.source ?? "upload",
          parentVersionId: parent?.id ?? null,
          referenceProfile: (profile ?? undefined) as Prisma.InputJsonValue | undefined,
          referenceSha256: reference?.sha256 ?? null,
          referenceRows: reference?.rows ?? null,
          referenceSampledFrom: reference?.sampledFrom ?? null,
          createdBy: opts.actor.label,
        },
        include: VERSION_INCLUDE,
      });
      const view = toVersionView(version);
      await recordAudit(tx, { teamId: opts.teamId, actor: opts.actor, action: "version.create", resourceType: "model_version", resourceId: version.id, after: { model: model.name, ...view, signature: undefined } });
      const deliveries = await emitEvent(tx, {
        teamId: opts.teamId,
        type: "version.created",
        data: { model: model.name, version: number, versionId: version.id, sha256: upload.sha256, source: opts.source ?? "upload", metrics: metadata.metrics, parentVersion: metadata.parentVersion, createdBy: opts.actor.label },
      });
      return { view: { model: model.name, ...view }, deliveries };
    });
    if (opts.redisUrl) await queueDeliveries({ redisUrl: opts.redisUrl, ids: created.deliveries });
    return created.view;
  } finally {
    // the temp files are this upload's own (put has already moved or dropped them when it ran)
    await rm(upload.tempFile, { force: true });
    for (const file of [opts.reference?.tempFile, rowsFile?.tempFile, reference?.tempFile]) if (file) await rm(file, { force: true });
  }
}
