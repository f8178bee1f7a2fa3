// Variables of outbound notifications (lib/notifications), shared by the web (which sends channel
// tests and checks channel URLs) and the job workers (which send every delivery).
import { flag, wholeNumber } from "./schema-helpers";

export const notifyFields = {
  NOTIFY_ALLOW_PRIVATE_NETWORKS: flag({
    default: false,
    description: "`1` lets notification channels (webhook, Slack, PagerDuty URLs) reach private and loopback addresses (10/8, 172.16/12, 192.168/16, 127/8, ::1, fc00::/7); link-local and cloud-metadata addresses stay refused. `npm start` and the tests set it, for receivers on the same machine",
  }),
  NOTIFY_BACKOFF_BASE_MS: wholeNumber({ min: 1, unit: "milliseconds", default: 1_000, description: "first retry delay of a failed notification; each retry doubles it, up to 60 s, 8 attempts in all" }),
};
