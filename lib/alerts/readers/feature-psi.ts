// feature_psi: the PSI of the rule's feature in the endpoint's latest drift report.
// NOT BUILT YET: drift reports (issue 10, item 2) are being added on another branch. Until their
// table exists every feature_psi rule reads "no data" and never fires. At merge: read the latest
// succeeded report per endpoint (finished within the rule's window) and answer features[name].psi.
import { noDataReader } from "./reader";

export const featurePsi = noDataReader("feature-psi");
