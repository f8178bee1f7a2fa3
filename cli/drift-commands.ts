// `drift report`: asks for a drift report over a window and, with --wait, follows it to the end and
// prints the dataset's share and the most drifted columns (exit 1 when the report failed).
import type { Client } from "./client";
import type { Out } from "./commands";
import { CommandFailed, intFlag, UsageError } from "./errors";
import type { ResponseOf } from "../lib/api/contract";
import type * as drift from "../lib/api/contracts/drift";
import type { Flags } from "./flags";

type Report = ResponseOf<typeof drift.getDriftReport>;
type Column = Report["features"][number];

const USAGE = "usage: drift report --endpoint <e> --from <ISO time|24h|7d…> [--to <ISO time>] [--version n] [--wait [--timeout-seconds 600]]";
/** Columns listed after a finished report. */
const TOP = 10;

/** An ISO time, or a length back from now ("90m", "24h", "7d"). */
function timeFlag(name: string, raw: string, now: number): string {
  const back = /^(\d+)(m|h|d)$/.exec(raw.trim());
  if (back) return new Date(now - Number(back[1]) * { m: 60_000, h: 3_600_000, d: 86_400_000 }[back[2] as "m" | "h" | "d"]).toISOString();
  const t = Date.parse(raw);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(raw) || Number.isNaN(t)) throw new UsageError(`--${name}: expected an ISO time (2026-05-01T00:00:00Z) or a length back from now (24h), got "${raw}"`);
  return new Date(t).toISOString();
}

const num = (v: number | null) => (v === null ? "—" : v === 0 ? "0" : Math.abs(v) < 1e-4 ? v.toExponential(2) : Number(v.toPrecision(4)).toString());
const pct = (v: number | null | undefined) => (v === null || v === undefined ? "—" : `${(v * 100).toFixed(1)}%`);

function decided(c: Column): string {
  if (c.statistic === null) return "not tested";
  if (c.method === "wasserstein") return `wasserstein ${num(c.wasserstein)}`;
  if (c.method === "jensenshannon") return `js ${num(c.jsDistance)}`;
  return `${c.method === "ks" ? "ks" : "chi2"} p=${num(c.pValue)}`;
}

export async function driftReport(api: Client, _a: string[], f: Flags, out: Out) {
  if (!f.endpoint || !f.from || typeof f.from !== "string") throw new UsageError(USAGE);
  const now = Date.now();
  const from = timeFlag("from", f.from, now);
  const to = typeof f.to === "string" ? timeFlag("to", f.to, now) : new Date(now).toISOString();
  const version = intFlag(f, "version", { min: 1 });
  const timeoutSeconds = intFlag(f, "timeout-seconds", { min: 1 }) ?? 600;
  const endpoint = String(f.endpoint);
  const queued = await api.request<ResponseOf<typeof drift.requestDriftReport>>("POST", `/api/v1/endpoints/${encodeURIComponent(endpoint)}/drift-reports`, { from, to, ...(version ? { version } : {}) });
  out(`drift report ${queued.id}: ${queued.status} (${endpoint}, ${from} → ${to}${version ? `, v${version}` : ""})`);
  if (!f.wait) return queued;

  const until = Date.now() + timeoutSeconds * 1000;
  for (;;) {
    const r = await api.request<Report>("GET", `/api/v1/drift-reports/${encodeURIComponent(queued.id)}`);
    if (r.status === "failed") {
      const line = `drift report ${r.id}: failed: ${r.error ?? "no reason recorded"}`;
      out(line);
      throw new CommandFailed(line, r);
    }
    if (r.status === "succeeded") {
      const tested = r.features.filter((c) => c.statistic !== null);
      const drifted = tested.filter((c) => c.drifted);
      out(`drift report ${r.id}: succeeded: ${drifted.length} of ${tested.length} columns drifted (share ${pct(r.datasetDrift?.share)}, dataset drifted: ${r.datasetDrift?.drifted ? "yes" : "no"}); ${r.rows.current ?? 0} rows against ${r.reference.model} v${r.reference.version}'s ${r.rows.reference ?? 0} reference rows`);
      const columns = [...(r.prediction ? [{ ...r.prediction, name: `${r.prediction.name} (prediction)` }] : []), ...r.features].filter((c) => c.statistic !== null).slice(0, TOP);
      const width = Math.max(0, ...columns.map((c) => c.name.length));
      for (const c of columns) out(`  ${c.name.padEnd(width)}  ${c.kind.padEnd(11)}  ${c.drifted ? "drifted" : "-      "}  ${decided(c).padEnd(20)}  psi ${num(c.psi)}`);
      for (const n of r.notes) out(`note: ${n}`);
      return r;
    }
    if (Date.now() + 1000 > until) throw new CommandFailed(`drift report ${r.id}: still ${r.status} after ${timeoutSeconds}s`, r);
    await new Promise((res) => setTimeout(res, 1000));
  }
}
