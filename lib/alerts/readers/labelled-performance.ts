// accuracy, auc, log_loss, mae and rmse on labelled traffic (feedback joined to the logged answers).
// NOT BUILT YET: feedback and its per-hour performance (issue 10, item 4) are being added on another
// branch. Until their table exists every rule on these metrics reads "no data" and never fires. At
// merge: read the labelled requests of the window (per variant when the rule names one) and answer
// the metric the rule names.
import { noDataReader } from "./reader";

export const labelledPerformance = noDataReader("labelled-performance");
