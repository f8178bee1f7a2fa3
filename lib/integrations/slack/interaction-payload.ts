// The part of Slack's interaction payload (a `block_actions` click) that Switchyard reads. Slack sends
// much more; the rest is dropped. Every string is one Postgres can take (it is used in queries).
import { z } from "zod";
import { dbText } from "../../db/stored-values";
import { jsonDepthExceeds } from "../../json-depth";
import { AppError } from "../../errors";

export const interactionPayloadSchema = z.object({
  type: dbText.max(64),
  user: z.object({ id: dbText.min(1).max(64) }),
  actions: z.array(z.object({ action_id: dbText.max(255), value: dbText.max(2000).optional() })).max(25).default([]),
  response_url: dbText.max(2000).optional(),
});
export type InteractionPayload = z.infer<typeof interactionPayloadSchema>;

/** Slack's payload from the form body (`payload=<JSON>`); AppError fields are paths in the payload. */
export function parseInteractionPayload(rawForm: string): InteractionPayload {
  const json = new URLSearchParams(rawForm).get("payload");
  if (json === null || !json.trim()) throw new AppError("bad_request", "the form has no payload field; Slack sends payload=<JSON>");
  if (jsonDepthExceeds(Buffer.from(json, "utf8"), 32)) throw new AppError("bad_request", "nests arrays and objects deeper than 32 levels");
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    throw new AppError("bad_request", "the payload field is not JSON");
  }
  const r = interactionPayloadSchema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  throw new AppError("bad_request", issue.message, { field: issue.path.map(String).join(".") || undefined });
}
