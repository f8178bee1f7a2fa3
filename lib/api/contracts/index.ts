import type { Contract } from "../contract";
import * as account from "./account";
import * as audit from "./audit";
import * as deadLetters from "./dead-letters";
import * as endpoints from "./endpoints";
import * as endpointKeys from "./endpoint-keys";
import * as health from "./health";
import * as history from "./history";
import * as members from "./members";
import * as models from "./models";
import * as notifications from "./notifications";
import * as tokens from "./tokens";
import * as promotions from "./promotions";
import * as integrations from "./integrations";
import * as predictions from "./predictions";
import * as alerts from "./alerts";
import * as performance from "./performance";
import * as drift from "./drift";

const isContract = (v: unknown): v is Contract => typeof v === "object" && v !== null && "method" in v && "path" in v;

/** Every REST operation with the name it is exported under (`createModel`…), which names its schemas in the OpenAPI document. */
export const NAMED_CONTRACTS: [string, Contract][] = [health, models, endpoints, tokens, members, audit, deadLetters, account, endpointKeys, promotions, notifications, history, integrations, predictions, alerts, performance, drift].flatMap((m) =>
  Object.entries(m).filter((e): e is [string, Contract] => isContract(e[1])),
);

/** Every REST operation; the OpenAPI document and its completeness test read this list. */
export const ALL_CONTRACTS: Contract[] = NAMED_CONTRACTS.map(([, c]) => c);
