// Reading Prometheus text expositions and the metric names that PromQL expressions, alerting rules and
// Grafana dashboards use, for the tests that hold deploy/ to what the processes really expose.
import { readFileSync } from "node:fs";
import { parse } from "yaml";

export type Sample = { name: string; labels: Record<string, string>; value: number };
export type Family = { type: string; samples: Sample[] };

/** The families of a text exposition, by name: their TYPE and their samples (a declared family may have none). */
export function parseExposition(text: string): Map<string, Family> {
  const families = new Map<string, Family>();
  const family = (name: string) => families.get(name) ?? families.set(name, { type: "untyped", samples: [] }).get(name)!;
  const suffixed = (name: string) => {
    for (const suffix of ["_bucket", "_sum", "_count"]) {
      const base = name.slice(0, -suffix.length);
      if (name.endsWith(suffix) && ["histogram", "summary"].includes(families.get(base)?.type ?? "")) return base;
    }
    return name;
  };
  for (const line of text.split("\n")) {
    const type = /^# TYPE (\S+) (\S+)/.exec(line);
    if (type) family(type[1]).type = type[2];
    if (!line || line.startsWith("#")) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!m) throw new Error(`not an exposition line: ${line}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]] = l[2];
    family(suffixed(m[1])).samples.push({ name: m[1], labels, value: Number(m[3]) });
  }
  return families;
}

// Words of PromQL that are not metric names where they stand (functions and aggregations are recognised
// by the "(" that follows them, or by a grouping clause in between: `sum by (x) (…)`).
const KEYWORDS = new Set(["and", "or", "unless", "by", "without", "on", "ignoring", "group_left", "group_right", "bool", "offset", "inf", "nan", "start", "end", "atan2"]);

/** The value of the one sample named `name` whose labels include `labels` (undefined when there is none; throws when there are several). */
export function sampleValue(families: Map<string, Family>, name: string, labels: Record<string, string> = {}): number | undefined {
  const found = [...families.values()].flatMap((f) => f.samples).filter((x) => x.name === name && Object.entries(labels).every(([k, v]) => x.labels[k] === v));
  if (found.length > 1) throw new Error(`${found.length} samples of ${name} match ${JSON.stringify(labels)}`);
  return found[0]?.value;
}

/** Metric names in a PromQL expression, with the label names each selector of them matches on. */
export function selectorsInPromQL(expr: string): { metric: string; labels: string[] }[] {
  // strings (label values, label_replace arguments), then range and subquery brackets ([5m], [$__rate_interval], [10m:1m])
  let s = expr.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""').replace(/\[[^\]]*\]/g, " ");
  // grouping clauses name labels, not metrics
  s = s.replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, " ");
  const found: { metric: string; labels: string[] }[] = [];
  const re = /([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(\{[^}]*\})?\s*(\()?|\{[^}]*\}/g;
  for (let m: RegExpExecArray | null; (m = re.exec(s)); ) {
    const [whole, name, matchers, call] = m;
    if (!name) {
      // a bare selector: {__name__="…"} is the only way it names a metric
      if (/__name__\s*(=~|!~|!=|=)/.test(whole)) throw new Error(`selectors by __name__ are not checked: ${expr}`);
      continue;
    }
    const before = s.slice(0, m.index);
    // a number's exponent or a duration's unit (1e3, 5m) is no name; `$var` and `${var}` are Grafana variables
    if (/[0-9.$]$/.test(before) || /\$\{$/.test(before)) continue;
    if (call || KEYWORDS.has(name.toLowerCase())) continue;
    const labels = [...(matchers ?? "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*(?:=~|!~|!=|=)/g)].map((l) => l[1]);
    found.push({ metric: name, labels });
  }
  return found;
}

/** Every PromQL expression of an alerting-rules file, by alert name. */
export function alertExpressions(file: string): { alert: string; expr: string }[] {
  const doc = parse(readFileSync(file, "utf8")) as { groups: { name: string; rules: { alert?: string; record?: string; expr: string }[] }[] };
  return doc.groups.flatMap((g) => g.rules.map((r) => ({ alert: r.alert ?? r.record ?? "?", expr: String(r.expr) })));
}

type Target = { expr?: string; refId?: string };
type Panel = { title?: string; targets?: Target[]; panels?: Panel[] };
type Variable = { name: string; type: string; query?: string | { query?: string } };
export type Dashboard = { panels: Panel[]; templating?: { list: Variable[] }; annotations?: { list: { name: string; expr?: string }[] } };

/**
 * Every PromQL expression of a Grafana dashboard, with where it is: panel targets (rows' nested panels
 * too), annotation queries, and query variables (`label_values(<selector>, <label>)` gives its selector).
 */
export function dashboardExpressions(dash: Dashboard): { where: string; expr: string }[] {
  const out: { where: string; expr: string }[] = [];
  const walk = (panels: Panel[]) => {
    for (const p of panels) {
      for (const t of p.targets ?? []) if (t.expr) out.push({ where: `panel "${p.title}" ${t.refId ?? ""}`.trim(), expr: t.expr });
      walk(p.panels ?? []);
    }
  };
  walk(dash.panels);
  for (const a of dash.annotations?.list ?? []) if (a.expr) out.push({ where: `annotation "${a.name}"`, expr: a.expr });
  for (const v of dash.templating?.list ?? []) {
    if (v.type !== "query") continue;
    const q = typeof v.query === "string" ? v.query : (v.query?.query ?? "");
    const lv = /^\s*label_values\((.*),\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\)\s*$/.exec(q);
    out.push({ where: `variable $${v.name}`, expr: lv ? lv[1] : q });
  }
  return out;
}
