import type { Redis } from "ioredis";
import type { Db } from "../../../db/client";
import type { Principal } from "../../../auth/principal";
import { updateRoutedSetting } from "./update-routed-setting";

/** Whether the data plane asks for an endpoint key on this endpoint. Gateways follow at once (routing pub/sub). */
export async function updateEndpointSettings(opts: { db: Db; redis: Redis; principal: Principal; endpointName: string; requireKey: boolean }) {
  const e = await updateRoutedSetting({ ...opts, action: "endpointkey.manage", field: "requireKey", value: opts.requireKey });
  return { endpoint: e.name, environment: e.environment, requireKey: e.requireKey };
}
