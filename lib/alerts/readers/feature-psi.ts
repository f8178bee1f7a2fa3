// feature_psi: the PSI of the rule's feature in the endpoint's latest drift report, when that report
// finished within the rule's window.
import type { MetricReader } from "./reader";
import { latestReports, withinWindow } from "./latest-reports";

export const featurePsi: MetricReader = {
  name: "feature-psi",
  async read({ db, now, rules }) {
    const latest = await latestReports(db, rules, true);
    return new Map(rules.map((r) => {
      const report = latest.get(r.endpointId);
      return [r.id, withinWindow(report, r, now) && r.feature ? (report.psi.get(r.feature) ?? null) : null];
    }));
  },
};
