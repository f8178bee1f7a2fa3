import { route } from "@/lib/api/handle";
import * as c from "@/lib/api/contracts/predictions";
import { readPredictionLogSettings, updatePredictionLogSettings } from "@/lib/serving/control/predictions/update-prediction-log-settings";

export const GET = route(c.getPredictionLogSettings, ({ principal, params, services }) => readPredictionLogSettings({ db: services.db, teamId: principal.teamId, endpointName: params.endpoint }));

export const PUT = route(c.updatePredictionLogSettings, ({ principal, params, body, services }) =>
  updatePredictionLogSettings({ db: services.db, redis: services.redis, principal, endpointName: params.endpoint, logInputs: body.logInputs }),
);
