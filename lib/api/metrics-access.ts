// Who may read the web's /metrics (process and runtime figures; nothing a tenant should read):
// with METRICS_TOKEN set, only `Authorization: Bearer <METRICS_TOKEN>`; without it, anyone in
// development and no one in production (403 saying what to set).
import type { Config } from "../services";
import { AppError } from "../errors";
import { sameSecret } from "../secrets";
import { errorResponse } from "./handle";

/** null when the request may read /metrics, else the error answer. */
export function metricsAccessRefusal(req: Request, config: Pick<Config, "metricsToken" | "production">): Response | null {
  if (!config.metricsToken) {
    return config.production ? errorResponse(new AppError("forbidden", "/metrics is off in production until METRICS_TOKEN is set; scrapers then send 'Authorization: Bearer <METRICS_TOKEN>'")) : null;
  }
  const m = /^Bearer\s+(\S+)$/i.exec(req.headers.get("authorization") ?? "");
  if (!m || !sameSecret(m[1], config.metricsToken)) {
    const res = errorResponse(new AppError("unauthorized", "/metrics needs 'Authorization: Bearer <METRICS_TOKEN>'"));
    res.headers.set("www-authenticate", 'Bearer realm="metrics"');
    return res;
  }
  return null;
}
