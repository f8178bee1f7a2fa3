// drift_share: the share of drifted columns in the endpoint's latest drift report.
// NOT BUILT YET: drift reports (issue 10, item 2) are being added on another branch. Until their
// table exists every drift_share rule reads "no data" and never fires. At merge: read the latest
// succeeded report per endpoint (finished within the rule's window) and answer datasetDrift.share.
import { noDataReader } from "./reader";

export const driftShare = noDataReader("drift-share");
