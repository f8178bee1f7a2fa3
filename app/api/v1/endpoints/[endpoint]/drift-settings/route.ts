import { route } from "@/lib/api/handle";
import * as c from "@/lib/api/contracts/drift";
import { readEndpointDriftSettings } from "@/lib/monitoring/drift/drift-settings";
import { updateDriftSettings } from "@/lib/monitoring/drift/update-drift-settings";

export const GET = route(c.getDriftSettings, ({ principal, params, services }) => readEndpointDriftSettings({ db: services.db, teamId: principal.teamId, endpointName: params.endpoint }));

export const PUT = route(c.updateDriftSettings, ({ principal, params, body, services }) =>
  updateDriftSettings({ db: services.db, principal, endpointName: params.endpoint, thresholds: body.thresholds, schedule: body.schedule }),
);
