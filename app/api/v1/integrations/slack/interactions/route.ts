import { route } from "@/lib/api/handle";
import * as c from "@/lib/api/contracts/integrations";
import { handleSlackInteraction } from "@/lib/integrations/slack/handle-interaction";

export const POST = route(c.slackInteraction, ({ req, rawBody, services }) =>
  handleSlackInteraction({
    db: services.db, redisUrl: services.config.redisUrl, inlineMaxModelMb: services.config.inlineMaxModelMb, slack: services.config.slack, appUrl: services.config.appUrl ?? new URL(req.url).origin,
    rawBody, signature: req.headers.get("x-slack-signature"), timestamp: req.headers.get("x-slack-request-timestamp"),
  }),
);
