import { parse, partError, route } from "@/lib/api/handle";
import * as c from "@/lib/api/contracts/models";
import { parseJsonField, readUpload } from "@/lib/api/read-upload";
import { actorOf } from "@/lib/auth/principal";
import { createVersion } from "@/lib/registry/create-version";
import { findModel } from "@/lib/registry/find-model";
import { listVersions } from "@/lib/registry/list-versions";
import { versionMetadataSchema } from "@/lib/registry/version-metadata";
import { rm } from "node:fs/promises";

export const POST = route(c.createVersion, async ({ req, principal, params, services }) => {
  await findModel(services.db, principal.teamId, params.model); // 404 before reading a large body
  const upload = await readUpload(req, {
    store: services.store,
    maxBytes: services.config.maxUploadBytes,
    extraFiles: { reference: { maxBytes: services.config.maxReferenceBytes, limitName: "MAX_REFERENCE_BYTES" } },
  });
  const reference = upload.files.reference;
  let metadata;
  try {
    metadata = parse(versionMetadataSchema, parseJsonField(upload.fields, "metadata"), "metadata");
  } catch (err) {
    await rm(upload.tempFile, { force: true });
    if (reference) await rm(reference.tempFile, { force: true });
    throw err;
  }
  try {
    return await createVersion({
      db: services.db, store: services.store, teamId: principal.teamId, modelName: params.model, upload, metadata, reference, actor: actorOf(principal),
      limits: services.config.modelLimits, referenceLimits: services.config.referenceLimits, redisUrl: services.config.redisUrl,
    });
  } catch (err) {
    throw partError(err, "reference");
  }
});

export const GET = route(c.listVersions, ({ principal, params, query: { metric, ...query }, services }) =>
  listVersions({ db: services.db, teamId: principal.teamId, modelName: params.model, metrics: metric, ...query }),
);
