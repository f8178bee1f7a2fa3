import type { Db } from "../db/client";
import type { Actor } from "../auth/principal";
import { recordAudit } from "../audit/record-audit";
import { AppError } from "../errors";
import { MODEL_INCLUDE, toModelView } from "./views";
import { isUniqueViolation } from "../db/errors";

export async function createModel(opts: { db: Db; teamId: string; name: string; task: string; description?: string; actor: Actor }) {
  try {
    return await opts.db.$transaction(async (tx) => {
      const model = await tx.model.create({
        data: { teamId: opts.teamId, name: opts.name, task: opts.task, description: opts.description ?? "", createdBy: opts.actor.label },
        include: MODEL_INCLUDE,
      });
      const view = toModelView(model);
      await recordAudit(tx, { teamId: opts.teamId, actor: opts.actor, action: "model.create", resourceType: "model", resourceId: model.id, after: view });
      return view;
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new AppError("conflict", `model "${opts.name}" already exists`);
    throw err;
  }
}
