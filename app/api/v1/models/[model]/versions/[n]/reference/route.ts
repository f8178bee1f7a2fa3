import { partError, route } from "@/lib/api/handle";
import * as c from "@/lib/api/contracts/models";
import { readUpload } from "@/lib/api/read-upload";
import { actorOf } from "@/lib/auth/principal";
import { findVersion } from "@/lib/registry/find-model";
import { setReference } from "@/lib/registry/set-reference";

export const PUT = route(c.setReference, async ({ req, principal, params, services }) => {
  await findVersion(services.db, principal.teamId, params.model, params.n); // 404 before reading a large body
  const upload = await readUpload(req, { store: services.store, fileField: "reference", maxBytes: services.config.maxReferenceBytes, limitName: "MAX_REFERENCE_BYTES" });
  try {
    return await setReference({
      db: services.db, store: services.store, teamId: principal.teamId, modelName: params.model, number: params.n,
      reference: upload, actor: actorOf(principal), limits: services.config.referenceLimits,
    });
  } catch (err) {
    throw partError(err, "reference");
  }
});
