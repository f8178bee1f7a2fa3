// The readers that tests/prometheus.test.ts checks deploy/ with: they must find every metric name a
// PromQL expression uses, and nothing else, or the check of the shipped files proves nothing.
import { describe, expect, it } from "vitest";
import { dashboardExpressions, parseExposition, selectorsInPromQL } from "../helpers/prometheus";

const names = (expr: string) => selectorsInPromQL(expr).map((s) => s.metric);

describe("selectorsInPromQL", () => {
  it("finds the metric of a quantile over a histogram, with its matchers, not the grouping labels or Grafana's variables", () => {
    expect(selectorsInPromQL('histogram_quantile(0.95, sum by (endpoint, variant, le) (rate(x_seconds_bucket{endpoint=~"$endpoint", variant=~"$variant"}[$__rate_interval])))')).toEqual([
      { metric: "x_seconds_bucket", labels: ["endpoint", "variant"] },
    ]);
  });

  it("finds both sides of a ratio and of a set operation, and skips numbers, durations and keywords", () => {
    expect(names('sum by (endpoint) (rate(a_total{status=~"5.."}[5m])) / sum by (endpoint) (rate(a_total{status!="400"}[5m])) > 0.05')).toEqual(["a_total", "a_total"]);
    expect(names("max(deriv(b_entries[10m])) > 0\n  and\nmax(c_seconds) > 30 unless on (instance) d")).toEqual(["b_entries", "c_seconds", "d"]);
    expect(names("time() - e_timestamp_seconds offset 5m > 1e3")).toEqual(["e_timestamp_seconds"]);
    expect(names("max_over_time(f[1h:5m]) * on (instance) group_left (version) g_info")).toEqual(["f", "g_info"]);
  });

  it("does not take label values or function arguments in strings for metrics", () => {
    expect(selectorsInPromQL('label_replace(up{job="switchyard-web"}, "dst", "$1 fake_metric", "instance", "(.*):.*")')).toEqual([{ metric: "up", labels: ["job"] }]);
    expect(names('count_values("version", h)')).toEqual(["h"]);
  });

  it("refuses selectors by __name__, which it cannot check", () => {
    expect(() => selectorsInPromQL('{__name__=~"switchyard_.*"}')).toThrow(/__name__/);
  });
});

describe("dashboardExpressions", () => {
  it("reads panel targets in rows, annotations and label_values variables", () => {
    const exprs = dashboardExpressions({
      panels: [{ title: "row", panels: [{ title: "inner", targets: [{ refId: "A", expr: "rate(a_total[5m])" }] }] }, { title: "top", targets: [{ refId: "B", expr: "b" }] }],
      annotations: { list: [{ name: "alerts", expr: "ALERTS" }] },
      templating: { list: [{ name: "endpoint", type: "query", query: { query: 'label_values(c_total{x="1"}, endpoint)' } }, { name: "datasource", type: "datasource", query: "prometheus" }] },
    });
    expect(exprs).toEqual([
      { where: 'panel "inner" A', expr: "rate(a_total[5m])" },
      { where: 'panel "top" B', expr: "b" },
      { where: 'annotation "alerts"', expr: "ALERTS" },
      { where: "variable $endpoint", expr: 'c_total{x="1"}' },
    ]);
  });
});

describe("parseExposition", () => {
  it("groups a histogram's _bucket, _sum and _count under its family, and keeps families declared without samples", () => {
    const f = parseExposition([
      "# HELP h_seconds a histogram",
      "# TYPE h_seconds histogram",
      'h_seconds_bucket{le="0.1",endpoint="a"} 1',
      'h_seconds_bucket{le="+Inf",endpoint="a"} 2',
      'h_seconds_sum{endpoint="a"} 0.3',
      'h_seconds_count{endpoint="a"} 2',
      "# TYPE c_total counter",
      'c_total{status="200",path="a \\"quoted\\" b"} 5',
      "# TYPE g gauge",
      "# TYPE x_count gauge",
      "x_count 3",
      "",
    ].join("\n"));
    expect([...f.keys()]).toEqual(["h_seconds", "c_total", "g", "x_count"]);
    expect(f.get("h_seconds")!.samples.map((s) => s.name)).toEqual(["h_seconds_bucket", "h_seconds_bucket", "h_seconds_sum", "h_seconds_count"]);
    expect(f.get("c_total")!.samples[0].labels).toEqual({ status: "200", path: 'a \\"quoted\\" b' });
    expect(f.get("g")).toEqual({ type: "gauge", samples: [] });
    // a gauge that happens to end in _count is its own family
    expect(f.get("x_count")!.samples).toHaveLength(1);
  });
});
