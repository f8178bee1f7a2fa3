// `feedback send`: ground-truth labels from a JSON Lines file ({"requestId": "...", "label": ...} a line),
// sent in calls of at most 10,000 records (and well under the API's 1 MiB body limit).
import { readFileSync } from "node:fs";
import type { Client } from "./client";
import type { Out } from "./commands";
import { UsageError } from "./errors";
import type { ResponseOf } from "../lib/api/contract";
import type * as performance from "../lib/api/contracts/performance";
import type { Flags } from "./flags";

type Sent = ResponseOf<typeof performance.sendFeedback>;

const MAX_RECORDS = 10_000;
const MAX_BYTES = 900_000;

export async function feedbackSend(api: Client, _a: string[], f: Flags, out: Out) {
  const usage = "usage: feedback send --endpoint <e> --file labels.jsonl";
  if (!f.endpoint || !f.file) throw new UsageError(usage);
  let text: string;
  try {
    text = readFileSync(String(f.file), "utf8");
  } catch (err) {
    throw new UsageError(`--file: cannot read ${f.file}: ${(err as Error).message}`);
  }
  const records: { line: string; n: number }[] = [];
  text.split("\n").forEach((line, i) => {
    if (!line.trim()) return;
    let r: unknown;
    try {
      r = JSON.parse(line);
    } catch {
      throw new UsageError(`--file line ${i + 1}: not JSON`);
    }
    if (typeof r !== "object" || r === null || typeof (r as { requestId?: unknown }).requestId !== "string" || !("label" in r)) {
      throw new UsageError(`--file line ${i + 1}: expected {"requestId": "...", "label": ...}`);
    }
    records.push({ line: line.trim(), n: i + 1 });
  });
  if (!records.length) throw new UsageError(`--file: ${f.file} holds no records`);
  const total = { accepted: 0, predictions: 0, replaced: 0, unknown: [] as string[], failed: [] as string[] };
  const path = `/api/v1/endpoints/${encodeURIComponent(String(f.endpoint))}/feedback`;
  for (let i = 0; i < records.length; ) {
    let bytes = 0, j = i;
    while (j < records.length && j - i < MAX_RECORDS && bytes + records[j].line.length < MAX_BYTES) bytes += records[j++].line.length + 1;
    if (j === i) throw new UsageError(`--file line ${records[i].n}: a record larger than ${MAX_BYTES} bytes`);
    const chunk = records.slice(i, j).map((r) => JSON.parse(r.line) as { requestId: string; label: unknown });
    const r = await api.request<Sent>("POST", path, { records: chunk.map(({ requestId, label }) => ({ requestId, label })) });
    total.accepted += r.accepted;
    total.predictions += r.predictions;
    total.replaced += r.replaced;
    total.unknown.push(...r.unknown);
    total.failed.push(...r.failed);
    i = j;
  }
  out(`${f.endpoint}: labelled ${total.accepted} of ${records.length} requests (${total.predictions} predictions, ${total.replaced} replaced an earlier label)`);
  if (total.unknown.length) out(`not in the log (yet? ingest runs seconds behind): ${total.unknown.slice(0, 20).join(" ")}${total.unknown.length > 20 ? ` … and ${total.unknown.length - 20} more` : ""}`);
  if (total.failed.length) out(`answered with an error, nothing to compare: ${total.failed.slice(0, 20).join(" ")}${total.failed.length > 20 ? ` … and ${total.failed.length - 20} more` : ""}`);
  return { endpoint: f.endpoint, records: records.length, ...total };
}
