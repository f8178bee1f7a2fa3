import { describe, expect, it } from "vitest";
import { parseMetricFilters } from "@/lib/registry/metric-filter";

describe("metric filters (?metric=)", () => {
  it("reads `name op number`, with or without spaces, several separated by commas", () => {
    expect(parseMetricFilters("auc > 0.77")).toEqual({ filters: [{ metric: "auc", op: ">", value: 0.77 }] });
    expect(parseMetricFilters("auc>=0.7, logloss<.5 ,f1@0.5=1e-1,val_loss<=-2,top-1<3")).toEqual({
      filters: [
        { metric: "auc", op: ">=", value: 0.7 },
        { metric: "logloss", op: "<", value: 0.5 },
        { metric: "f1@0.5", op: "=", value: 0.1 },
        { metric: "val_loss", op: "<=", value: -2 },
        { metric: "top-1", op: "<", value: 3 },
      ],
    });
  });

  it("keeps the metric's case, as release-policy gates do", () => {
    expect(parseMetricFilters("AUC > 1")).toEqual({ filters: [{ metric: "AUC", op: ">", value: 1 }] });
  });

  it.each([
    "", "auc", "auc >", "> 0.5", "auc >> 0.5", "auc => 0.5", "auc != 0.5", "auc == 0.5", "auc > high", "auc > 0.5.1",
    "auc > 0.5,", ",auc > 0.5", "auc > 0.5 and f1 > 0.2", "1=1", "auc > 1e999", "auc > NaN", "auc > Infinity", "a b > 1",
    "auc > 0x10", "auc > 1_000",
  ])("refuses %j, saying how to write one", (text) => {
    const r = parseMetricFilters(text);
    expect(r).toHaveProperty("error");
    expect((r as { error: string }).error).toMatch(/not a metric filter: write a metric, an operator \(>= <= > < =\) and a number/);
  });

  it("refuses more than ten filters", () => {
    expect(parseMetricFilters(Array.from({ length: 11 }, (_, i) => `m${i} > 0`).join(","))).toEqual({ error: "at most 10 metric filters, separated by commas" });
  });
});
