import { route } from "@/lib/api/handle";
import * as c from "@/lib/api/contracts/performance";
import { recordFeedback } from "@/lib/performance/record-feedback";

export const POST = route(c.sendFeedback, ({ principal, params, body, services }) =>
  recordFeedback({ db: services.db, principal, endpointName: params.endpoint, records: body.records }),
);
