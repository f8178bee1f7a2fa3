import { openAsBlob, readFileSync, statSync } from "node:fs";
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

/** Every page of a list, following `nextCursor` (the API answers at most 200 rows a page). */
async function allPages<K extends string, T>(api: Client, path: string, key: K, query: Record<string, string | undefined> = {}): Promise<T[]> {
  const rows: T[] = [];
  let cursor: string | null = null;
  do {
    const params = new URLSearchParams(Object.entries({ ...query, limit: "200", cursor: cursor ?? undefined }).filter((e): e is [string, string] => e[1] !== undefined));
    const page: { nextCursor: string | null } & Record<K, T[]> = await api.request("GET", `${path}?${params}`);
    rows.push(...page[key]);
    cursor = page.nextCursor;
  } while (cursor);
  return rows;
}

const stringFlag = (f: Flags, name: string) => (f[name] === undefined ? undefined : String(f[name]));

export async function modelsList(api: Client, _a: string[], f: Flags, out: Out) {
  const models = await allPages<"models", ResponseOf<typeof contracts.listModels>["models"][number]>(api, "/api/v1/models", "models", { q: stringFlag(f, "q"), tag: stringFlag(f, "tag") });
  for (const m of models) out(`${m.name}\tlatest v${m.latestVersion ?? "-"}\t${Object.entries(m.aliases).map(([a, v]) => `${a}=v${v}`).join(" ")}`);
  return models;
}

export async function versionsPush(api: Client, [file]: string[], f: Flags, out: Out) {
  const model = f.model as string | undefined;
  if (!file || !model) throw new UsageError("usage: versions push <model.onnx> --model <name> [--metrics m.json] [--params p.json] [--metadata meta.json] [--tags a,b] [--dataset name] [--parent n] [--reference data.csv]");
  const metadata = {
    ...((readJsonFile(f.metadata as string, "metadata") as object) ?? {}),
    ...(f.metrics ? { metrics: readJsonFile(f.metrics as string, "metrics") } : {}),
    ...(f.params ? { params: readJsonFile(f.params as string, "params") } : {}),
    ...(f.tags ? { tags: String(f.tags).split(",").filter(Boolean) } : {}),
    ...(f.dataset ? { dataset: f.dataset } : {}),
    ...(f.parent !== undefined ? { parentVersion: intFlag(f, "parent", { min: 1 }) } : {}),
  };
  const form = new FormData();
  form.set("metadata", JSON.stringify(metadata));
  form.set("file", await fileBlob(file, "<model.onnx>"), path.basename(file));
  const reference = stringFlag(f, "reference");
  if (reference) form.set("reference", await fileBlob(reference, "--reference"), path.basename(reference));
  const v = await api.upload<ResponseOf<typeof contracts.createVersion>>(`/api/v1/models/${encodeURIComponent(model)}/versions`, form);
  out(`pushed ${model} v${v.number} (sha256 ${v.sha256.slice(0, 12)})${v.reference ? `, ${describeReference(v.reference)}` : ""}`);
  return v;
}

export async function versionsReference(api: Client, [model, version, file]: string[], _f: Flags, out: Out) {
  if (!model || !version || !file) throw new UsageError("usage: versions reference <model> <version> <data.csv|data.jsonl>");
  const number = wholeNumber("<version>", version.replace(/^v/, ""), { min: 1 });
  const form = new FormData();
  form.set("reference", await fileBlob(file, "<data.csv|data.jsonl>"), path.basename(file));
  const v = await api.upload<ResponseOf<typeof contracts.setReference>>(`/api/v1/models/${encodeURIComponent(model)}/versions/${number}/reference`, form, "PUT");
  out(`${model} v${v.number}: ${describeReference(v.reference!)}`);
  return v;
}

const describeReference = (r: { rows: number; sampledFrom: number }) =>
  r.sampledFrom > r.rows ? `reference data: a sample of ${r.rows} of ${r.sampledFrom} rows` : `reference data: ${r.rows} rows`;

/** The file as a blob read from disk as it is sent (openAsBlob: a large reference file is not read into memory first). */
async function fileBlob(file: string, what: string): Promise<Blob> {
  try {
    if (!statSync(file).isFile()) throw new Error("not a file");
    return await openAsBlob(file);
  } catch (err) {
    throw new UsageError(`${what}: cannot read ${file}: ${(err as Error).message}`);
  }
}

export async function versionsList(api: Client, [model]: string[], f: Flags, out: Out) {
  if (!model) throw new UsageError('usage: versions list <model> [--tag t] [--metric "auc>0.77"] [--sort=-metrics.auc] [--archived]');
  const versions = await allPages<"versions", ResponseOf<typeof contracts.listVersions>["versions"][number]>(api, `/api/v1/models/${encodeURIComponent(model)}/versions`, "versions", {
    tag: stringFlag(f, "tag"), metric: stringFlag(f, "metric"), sort: stringFlag(f, "sort"), archived: f.archived ? "true" : undefined,
  });
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
