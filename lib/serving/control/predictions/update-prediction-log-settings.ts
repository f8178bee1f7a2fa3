// The endpoint's input sampling for the prediction log (Endpoint.logInputs): read, and set with an audit
// event. Gateways carry it in their routing table (lib/serving/data/gateway/routing-table.ts) and follow
// a change at once (routing pub/sub); the sampling itself is lib/serving/data/prediction-log/sample-inputs.ts.
import type { Redis } from "ioredis";
import type { Db } from "../../../db/client";
import type { Principal } from "../../../auth/principal";
import { findEndpoint } from "../endpoints/read-endpoints";
import { updateRoutedSetting } from "../endpoints/update-routed-setting";

const view = (e: { name: string; logInputs: number }) => ({ endpoint: e.name, logInputs: e.logInputs });

export async function readPredictionLogSettings(opts: { db: Db; teamId: string; endpointName: string }) {
  return view(await findEndpoint(opts.db, opts.teamId, opts.endpointName));
}

export async function updatePredictionLogSettings(opts: { db: Db; redis: Redis; principal: Principal; endpointName: string; logInputs: number }) {
  return view(await updateRoutedSetting({ ...opts, action: "predictionlog.manage", field: "logInputs", value: opts.logInputs }));
}
