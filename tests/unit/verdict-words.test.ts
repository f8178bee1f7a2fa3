// The verdict sentence on the endpoint page says the direction, whether that is better, the interval and the count.
import { describe, expect, it } from "vitest";
import { verdictWords } from "@/lib/web/verdict-words";

const base = { a: { variant: "credit-v1" }, b: { variant: "credit-v2" }, labelledRequests: 4210 };

describe("verdict in words", () => {
  it("a higher AUC is better; a higher log loss is worse", () => {
    expect(verdictWords({ ...base, metric: "auc", difference: 0.0312, ci: { low: 0.0121, high: 0.0503 }, significant: true }))
      .toBe("credit-v2's AUC is 0.031 higher (better) than credit-v1's (95% CI 0.012 to 0.050), significant over 4,210 labelled requests.");
    expect(verdictWords({ ...base, metric: "log_loss", difference: 0.02, ci: { low: -0.01, high: 0.05 }, significant: false }))
      .toBe("credit-v2's log loss is 0.020 higher (worse) than credit-v1's (95% CI -0.010 to 0.050), not significant over 4,210 labelled requests.");
    expect(verdictWords({ ...base, metric: "rmse", difference: -12.5, ci: { low: -20, high: -5 }, significant: true })).toMatch(/RMSE is 12.50 lower \(better\)/);
  });

  it("says when the metric is undefined or there is no interval", () => {
    expect(verdictWords({ ...base, metric: "auc", difference: null, ci: null, significant: false })).toMatch(/AUC is not defined for both/);
    expect(verdictWords({ ...base, metric: "accuracy", difference: 0.1, ci: null, significant: false })).toMatch(/no interval/);
  });
});
