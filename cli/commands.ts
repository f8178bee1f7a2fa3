import { readFileSync } from "node:fs";
import path from "node:path";
import type { Client } from "./client";
import { intFlag, UsageError, wholeNumber } from "./errors";
import type { ResponseOf } from "../lib/api/contract";
import type * as contracts from "../lib/api/contracts/models";
import type * as promotions from "../lib/api/contracts/promotions";
import { describePromotion } from "./describe-promotion";

import type { Flags } from "./flags";
export type Out = (line: string) => void;

const readJsonFile = (file: string | undefined, what: string): unknown => {
  if (!file) return undefined;
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    throw new UsageError(`--${what}: cannot read JSON from ${file}: ${(err as Error).message}`);
  }
};

export async function modelsCreate(api: Client, [name]: string[], f: Flags, out: Out) {
  if (!name) throw new UsageError("usage: models create <name> [--task binary_classification] [--description text]");
  const m = await api.request<ResponseOf<typeof contracts.createModel>>("POST", "/api/v1/models", { name, task: f.task ?? "binary_classification", description: f.description });
  out(`created model ${m.name}`);
  return m;
}

export async function modelsList(api: Client, _a: string[], _f: Flags, out: Out) {
  const { models } = await api.request<ResponseOf<typeof contracts.listModels>>("GET", "/api/v1/models");
  for (const m of models) out(`${m.name}\tlatest v${m.latestVersion ?? "-"}\t${Object.entries(m.aliases).map(([a, v]) => `${a}=v${v}`).join(" ")}`);
  return models;
}

export async function versionsPush(api: Client, [file]: string[], f: Flags, out: Out) {
  const model = f.model as string | undefined;
  if (!file || !model) throw new UsageError("usage: versions push <model.onnx> --model <name> [--metrics m.json] [--params p.json] [--metadata meta.json] [--tags a,b] [--dataset name] [--parent n]");
  const metadata = {
    ...((readJsonFile(f.metadata as string, "metadata") as object) ?? {}),
    ...(f.metrics ? { metrics: readJsonFile(f.metrics as string, "metrics") } : {}),
    ...(f.params ? { params: readJsonFile(f.params as string, "params") } : {}),
    ...(f.tags ? { tags: String(f.tags).split(",").filter(Boolean) } : {}),
    ...(f.dataset ? { dataset: f.dataset } : {}),
    ...(f.parent !== undefined ? { parentVersion: intFlag(f, "parent", { min: 1 }) } : {}),
  };
  let bytes: Buffer<ArrayBuffer>;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    throw new UsageError(`<model.onnx>: cannot read ${file}: ${(err as Error).message}`);
  }
  const form = new FormData();
  form.set("metadata", JSON.stringify(metadata));
  form.set("file", new Blob([bytes]), path.basename(file));
  const v = await api.upload<ResponseOf<typeof contracts.createVersion>>(`/api/v1/models/${encodeURIComponent(model)}/versions`, form);
  out(`pushed ${model} v${v.number} (sha256 ${v.sha256.slice(0, 12)})`);
  return v;
}

export async function versionsList(api: Client, [model]: string[], _f: Flags, out: Out) {
  if (!model) throw new UsageError("usage: versions list <model>");
  const { versions } = await api.request<ResponseOf<typeof contracts.listVersions>>("GET", `/api/v1/models/${encodeURIComponent(model)}/versions`);
  for (const v of versions) out(`v${v.number}\t${Object.entries(v.metrics).map(([k, x]) => `${k}=${x}`).join(" ")}\t${v.aliases.join(",")}\t${v.createdAt}`);
  return versions;
}

export async function aliasSet(api: Client, [model, alias, version]: string[], _f: Flags, out: Out) {
  if (!model || !alias || !version) throw new UsageError("usage: alias set <model> <alias> <version>");
  const number = wholeNumber("<version>", version.replace(/^v/, ""), { min: 1 });
  const r = await api.request<ResponseOf<typeof contracts.setAlias> | { promotion: ResponseOf<typeof promotions.requestPromotion> }>("PUT", `/api/v1/models/${encodeURIComponent(model)}/aliases/${encodeURIComponent(alias)}`, { version: number });
  if ("promotion" in r) {
    out(`${model}@${alias} is protected: ${describePromotion(r.promotion)}`);
    return r;
  }
  out(`${model}@${alias} -> v${number}`);
  return r;
}
