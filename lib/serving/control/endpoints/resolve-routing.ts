// Turns a requested traffic split into a routing, checking what can be checked before any job
// is queued: weights, known versions, and signatures that match each other and the live ones.
import type { Db } from "../../../db/client";
import { signatureSchema, type Signature } from "../../../onnx/signature";
import { AppError } from "../../../errors";
import { DEFAULT_BATCHING, variantName, type Routing, type Variant } from "../../shared/routing";
import type { TrafficRequest } from "./traffic-request";
import { readJson } from "../../../db/json";
import { archivedMessage } from "../../../registry/archived";
import { INLINE_MAX_MODEL_MB_DEFAULT, inlineRefusal } from "../../shared/inline-placement";

/** What a signature accepts: input names and types, in any order (shapes may differ). */
export const inputKey = (s: Signature) => JSON.stringify([...s.inputs].map((i) => [i.name, i.type]).sort());

/** `inlineMaxModelMb`: the largest model an inline variant may run (INLINE_MAX_MODEL_MB of the web). */
export async function resolveRouting(opts: { db: Db; teamId: string; live: Routing; request: TrafficRequest; inlineMaxModelMb?: number }): Promise<Routing> {
  const { request } = opts;
  const serving = request.variants.filter((v) => v.role !== "shadow");
  const total = serving.reduce((s, v) => s + v.weight, 0);
  if (!serving.length) throw new AppError("bad_request", "at least one primary or canary variant is needed", { field: "variants" });
  if (Math.abs(total - 100) > 1e-6) throw new AppError("bad_request", `weights of primary and canary variants must sum to 100, got ${total}`, { field: "variants" });

  const variants: Variant[] = [];
  const signatures: { name: string; sig: Signature }[] = [];
  for (const [i, r] of request.variants.entries()) {
    const modelName = r.model ?? request.model;
    if (!modelName) throw new AppError("bad_request", `name the model here or in the request's "model"`, { field: `variants.${i}.model` });
    const version = await opts.db.modelVersion.findFirst({ where: { number: r.version, model: { name: modelName, teamId: opts.teamId } } });
    if (!version) throw new AppError("unprocessable", `model "${modelName}" has no version ${r.version}`, { field: `variants.${i}.version` });
    if (version.archivedAt) throw new AppError("unprocessable", archivedMessage(modelName, r.version), { field: `variants.${i}.version` });
    const placement = r.placement ?? "worker";
    if (placement === "inline") {
      const refused = inlineRefusal({ device: r.device, sizeBytes: version.sizeBytes }, opts.inlineMaxModelMb ?? INLINE_MAX_MODEL_MB_DEFAULT);
      if (refused) throw new AppError("bad_request", `${variantName(modelName, r.version)}: ${refused}`, { field: `variants.${i}.placement` });
    }
    const name = variantName(modelName, r.version);
    if (variants.some((v) => v.name === name)) throw new AppError("bad_request", `${name} is listed twice`, { field: `variants.${i}` });
    variants.push({
      name, model: modelName, version: r.version, versionId: version.id, sha256: version.sha256,
      weight: r.role === "shadow" ? 0 : r.weight, role: r.role, device: r.device, replicas: r.replicas, batching: r.batching ?? DEFAULT_BATCHING, placement,
    });
    signatures.push({ name, sig: readJson(signatureSchema, version.signature, "signature") });
  }

  // Every variant must accept the same requests, and so must the versions serving now.
  const liveIds = opts.live.variants.map((v) => v.versionId);
  const live = liveIds.length ? await opts.db.modelVersion.findMany({ where: { id: { in: liveIds } }, select: { signature: true, number: true, model: { select: { name: true } } } }) : [];
  const reference = live[0] ? { name: variantName(live[0].model.name, live[0].number), sig: readJson(signatureSchema, live[0].signature, "signature") } : signatures[0];
  for (const s of signatures) {
    if (inputKey(s.sig) !== inputKey(reference.sig)) {
      throw new AppError("unprocessable", `${s.name} takes different inputs than ${reference.name}: its signature does not match the endpoint's`);
    }
  }
  const sticky = request.sticky === undefined ? opts.live.sticky : request.sticky;
  return { variants, sticky };
}
