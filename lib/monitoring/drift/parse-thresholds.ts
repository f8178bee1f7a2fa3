// Thresholds as the engine takes them: any subset of the settings, the rest Evidently's defaults.
import { AppError } from "../../errors";
import { driftThresholdsSchema, type DriftThresholds, type DriftThresholdsInput } from "./drift-thresholds";

export function parseThresholds(input: DriftThresholdsInput | undefined, field = "thresholds"): DriftThresholds {
  const r = driftThresholdsSchema.safeParse(input ?? {});
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const path = [field, ...issue.path.map(String)].join(".");
  throw new AppError("bad_request", `${path}: ${issue.message}`, { field: path });
}
