// drift_share: the share of drifted columns in the endpoint's latest drift report, when that report
// finished within the rule's window (an older one is "no data": drift nobody measured lately is not
// drift now).
import type { MetricReader } from "./reader";
import { latestReports, withinWindow } from "./latest-reports";

export const driftShare: MetricReader = {
  name: "drift-share",
  async read({ db, now, rules }) {
    const latest = await latestReports(db, rules, false);
    return new Map(rules.map((r) => {
      const report = latest.get(r.endpointId);
      return [r.id, withinWindow(report, r, now) ? report.share : null];
    }));
  },
};
