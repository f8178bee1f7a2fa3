// PATCH …/versions/{n}: what people may change after a push — the description and the tags. The
// artifact, metrics, params and lineage are what was pushed and stay so.
import type { Db } from "../db/client";
import type { Actor } from "../auth/principal";
import { recordAudit } from "../audit/record-audit";
import { findModel } from "./find-model";
import { lockVersion } from "./lock-version";
import { toVersionView, VERSION_INCLUDE } from "./views";

export async function updateVersion(opts: { db: Db; teamId: string; modelName: string; number: number; description?: string; tags?: string[]; actor: Actor }) {
  return opts.db.$transaction(async (tx) => {
    const model = await findModel(tx, opts.teamId, opts.modelName);
    const version = await lockVersion(tx, model, opts.number);
    const before: Record<string, unknown> = {};
    const after: Record<string, unknown> = {};
    const data: { description?: string; tags?: string[] } = {};
    if (opts.description !== undefined && opts.description !== version.description) {
      before.description = version.description;
      after.description = data.description = opts.description;
    }
    const tags = opts.tags && [...new Set(opts.tags.map((t) => t.trim()).filter(Boolean))];
    if (tags && tags.join("\n") !== version.tags.join("\n")) {
      before.tags = version.tags;
      after.tags = data.tags = tags;
    }
    const row = await tx.modelVersion.update({ where: { id: version.id }, data, include: VERSION_INCLUDE });
    if (Object.keys(data).length) {
      await recordAudit(tx, {
        teamId: opts.teamId, actor: opts.actor, action: "version.update", resourceType: "version", resourceId: version.id,
        before: { model: model.name, version: opts.number, ...before }, after: { model: model.name, version: opts.number, ...after },
      });
    }
    return toVersionView(row);
  });
}
