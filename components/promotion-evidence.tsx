// A promotion's evidence beside the champion (what serves now): versions, metrics with the better
// value marked, checks with their reasons, params and signature differences, and the shadow comparison.
// The evidence is a snapshot taken at request time, so this renders once, on the server.
import type { Evidence, VersionFacts } from "@/lib/governance/evidence";
import { compareMetrics, diffParams, diffSignature, type ParamRow, type SignatureRow } from "@/lib/governance/compare-evidence";
import { A, Badge, Card, TableWrap, td, th, when } from "./ui";

const num = (x: number | null) => (x === null ? "—" : String(Number(x.toPrecision(6))));
const val = (x: unknown) => (x === undefined ? "—" : JSON.stringify(x));
const spec = (s: SignatureRow["candidate"]) => (s ? `${s.type} [${s.shape.join(", ")}]` : "—");

export function PromotionEvidence({ team, evidence }: { team: string; evidence: Evidence }) {
  const { champion, candidates } = evidence;
  return (
    <div className="space-y-6" data-testid="evidence">
      <div className="grid gap-6 md:grid-cols-2">
        <Checks evidence={evidence} />
        <Shadow evidence={evidence} />
      </div>
      {candidates.length === 0 && <Card title="Versions"><p className="text-sm text-slate-500">This change brings no new version into service (weights or roles only).</p></Card>}
      {candidates.map((c) => (
        <div key={`${c.model}-${c.version}`} className="space-y-6">
          <Versions team={team} candidate={c} champion={champion} />
          <div className="grid gap-6 md:grid-cols-2">
            <Metrics candidate={c} champion={champion} />
            <Params candidate={c} champion={champion} />
          </div>
          <SignatureDiff candidate={c} champion={champion} />
        </div>
      ))}
    </div>
  );
}

function Versions({ team, candidate, champion }: { team: string; candidate: VersionFacts; champion: VersionFacts | null }) {
  const link = (v: VersionFacts) => <A href={`/t/${team}/models/${v.model}/versions/${v.version}`}>{`${v.model} v${v.version}`}</A>;
  const rows: [string, (v: VersionFacts) => React.ReactNode][] = [
    ["Version", link],
    ["SHA-256", (v) => <span className="font-mono text-xs" title={v.sha256}>{v.sha256.slice(0, 16)}…</span>],
    ["Dataset", (v) => v.lineage.dataset ?? "—"],
    ["Parent", (v) => (v.lineage.parentVersion ? `v${v.lineage.parentVersion}` : "—")],
    ["Pushed", (v) => `${v.lineage.createdBy} · ${when(v.lineage.createdAt)}`],
  ];
  return (
    <Card title="Candidate and champion">
      <TableWrap>
        <table className="w-full">
          <thead><tr><th className={th}><span className="sr-only">Field</span></th><th className={th}>Candidate</th><th className={th}>Champion (serving now)</th></tr></thead>
          <tbody>
            {rows.map(([k, f]) => (
              <tr key={k}><td className={`${td} text-slate-500`}>{k}</td><td className={td}>{f(candidate)}</td><td className={td}>{champion ? f(champion) : k === "Version" ? "nothing serves yet" : "—"}</td></tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
    </Card>
  );
}

function Metrics({ candidate, champion }: { candidate: VersionFacts; champion: VersionFacts | null }) {
  const rows = compareMetrics(candidate.metrics, champion?.metrics ?? null);
  const cell = (x: number | null, better: boolean) => (
    <td className={`${td} tabular-nums ${better ? "font-semibold text-green-700" : ""}`}>{num(x)}{better && <span className="ml-1" aria-label="better" title="better">▲</span>}</td>
  );
  return (
    <Card title="Metrics">
      {rows.length === 0 ? <p className="text-sm text-slate-500">Neither version reports metrics.</p> : (
        <TableWrap>
          <table className="w-full" data-testid="metrics-table">
            <thead><tr><th className={th}>Metric</th><th className={th}>v{candidate.version}</th><th className={th}>{champion ? `v${champion.version}` : "champion"}</th></tr></thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.name} data-better={r.better ?? ""}>
                  <td className={td}>{r.name} <span className="text-xs text-slate-500">{r.lowerIsBetter ? "lower is better" : "higher is better"}</span></td>
                  {cell(r.candidate, r.better === "candidate")}
                  {cell(r.champion, r.better === "champion")}
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
    </Card>
  );
}

function Checks({ evidence }: { evidence: Evidence }) {
  return (
    <Card title={`Checks (policy revision ${evidence.policy.revision})`}>
      {evidence.checks.length === 0 ? <p className="text-sm text-slate-500">The {evidence.environment} policy asks for no checks.</p> : (
        <ul className="space-y-3" data-testid="checks">
          {evidence.checks.map((c) => (
            <li key={c.name} className="flex items-start gap-3">
              <Badge tone={c.passed ? "green" : "red"}>{c.passed ? "pass" : "fail"}</Badge>
              <div className="min-w-0"><p className="text-sm font-medium">{c.name}</p><p className="break-words text-xs text-slate-500">{c.detail}</p></div>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}

const CHANGE_TONE = { changed: "amber", added: "green", removed: "red", same: "slate" } as const;

function Params({ candidate, champion }: { candidate: VersionFacts; champion: VersionFacts | null }) {
  const rows = diffParams(candidate.params, champion?.params ?? null);
  const differ = rows.filter((r) => r.change !== "same");
  const row = (r: ParamRow) => (
    <tr key={r.name} className={r.change === "same" ? "text-slate-500" : ""}>
      <td className={`${td} font-mono`}>{r.name}</td>
      <td className={`${td} font-mono`}>{val(r.candidate)}</td>
      <td className={`${td} font-mono`}>{val(r.champion)}</td>
      <td className={td}>{champion && <Badge tone={CHANGE_TONE[r.change]}>{r.change}</Badge>}</td>
    </tr>
  );
  return (
    <Card title={champion ? `Parameters (${differ.length} of ${rows.length} differ)` : "Parameters"}>
      {rows.length === 0 ? <p className="text-sm text-slate-500">Neither version reports parameters.</p> : (
        <TableWrap>
          <table className="w-full" data-testid="params-diff">
            <thead><tr><th className={th}>Param</th><th className={th}>v{candidate.version}</th><th className={th}>{champion ? `v${champion.version}` : "champion"}</th><th className={th}><span className="sr-only">Change</span></th></tr></thead>
            <tbody>{[...differ, ...rows.filter((r) => r.change === "same")].map(row)}</tbody>
          </table>
        </TableWrap>
      )}
    </Card>
  );
}

const MISMATCH = { missing: "the candidate lacks it", extra: "only the candidate has it", type: "type differs", shape: "shape differs" } as const;

function SignatureDiff({ candidate, champion }: { candidate: VersionFacts; champion: VersionFacts | null }) {
  const rows = diffSignature(candidate.signature, champion?.signature ?? null);
  const bad = rows.filter((r) => r.mismatches.length).length;
  return (
    <Card title={champion ? `Signature (${bad ? `${bad} difference${bad > 1 ? "s" : ""}` : "identical"})` : "Signature"}>
      <TableWrap>
        <table className="w-full" data-testid="signature-diff">
          <thead><tr><th className={th}>Direction</th><th className={th}>Name</th><th className={th}>v{candidate.version}</th><th className={th}>{champion ? `v${champion.version}` : "champion"}</th><th className={th}><span className="sr-only">Change</span></th></tr></thead>
          <tbody>
            {rows.map((r) => (
              <tr key={`${r.direction}-${r.name}`} className={r.mismatches.length ? "bg-red-50" : ""}>
                <td className={td}>{r.direction}</td>
                <td className={`${td} font-mono`}>{r.name}</td>
                <td className={`${td} font-mono`}>{spec(r.candidate)}</td>
                <td className={`${td} font-mono`}>{spec(r.champion)}</td>
                <td className={`${td} text-red-700`}>{r.mismatches.map((m) => MISMATCH[m]).join(", ")}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
    </Card>
  );
}

function Shadow({ evidence }: { evidence: Evidence }) {
  const gate = evidence.policy.rules.gates.shadow;
  const check = evidence.checks.find((c) => c.name.startsWith("shadow:"));
  const o = check?.observed;
  return (
    <Card title="Shadow comparison">
      {!gate ? (
        <p className="text-sm text-slate-500">The {evidence.environment} policy has no shadow gate; the endpoint page shows any shadow traffic live.</p>
      ) : !o ? (
        <p className="text-sm text-slate-500">{check?.detail ?? "No shadow traffic was judged."}</p>
      ) : (
        <dl className="grid grid-cols-[minmax(0,14rem)_minmax(0,1fr)] gap-x-4 gap-y-2 text-sm" data-testid="shadow-comparison">
          <dt className="text-slate-500">Requests compared</dt><dd className="tabular-nums">{num(o.compared ?? null)} <span className="text-slate-500">(needs ≥ {gate.minRequests})</span></dd>
          <dt className="text-slate-500">Mean |shadow − served|</dt><dd className="tabular-nums">{num(o.meanAbsDiff ?? null)} <span className="text-slate-500">(needs ≤ {gate.maxMeanAbsDiff})</span></dd>
          <dt className="text-slate-500">Max |shadow − served|</dt><dd className="tabular-nums">{num(o.maxAbsDiff ?? null)}</dd>
          <dt className="text-slate-500">Verdict</dt><dd><Badge tone={check!.passed ? "green" : "red"}>{check!.passed ? "pass" : "fail"}</Badge> <span className="text-xs text-slate-500">{check!.detail}</span></dd>
        </dl>
      )}
    </Card>
  );
}
