import { z } from "zod";
import { defineContract } from "../contract";
import { named, slugName, dbText } from "./shared";
import { ENVIRONMENTS } from "../../serving/shared/environments";

export const endpointKeyView = named("EndpointKey", z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string().describe("the key's first characters, to recognise it; never enough to use it"),
  revokedAt: z.string().nullable(),
  createdBy: z.string(),
  createdAt: z.string(),
}));
const endpointParams = z.object({ endpoint: slugName });

// Endpoint keys are the data plane's credentials (Authorization: Bearer sk_… on the gateway); they
// never authenticate against this API, and API tokens (sy_…) never authenticate against the gateway.
export const createEndpointKey = defineContract({
  method: "POST", path: "/api/v1/endpoints/{endpoint}/keys", summary: "Create an endpoint key; the key is in this answer and nowhere else", tag: "endpoints",
  auth: { action: "endpointkey.manage" }, params: endpointParams,
  body: z.object({ name: dbText.min(1).max(100) }).strict(),
  response: endpointKeyView.extend({ endpoint: z.string(), key: z.string().describe("sk_…, shown once") }), status: 201,
});

export const listEndpointKeys = defineContract({
  method: "GET", path: "/api/v1/endpoints/{endpoint}/keys", summary: "List an endpoint's keys (never their values) and whether it needs one", tag: "endpoints",
  auth: { action: "endpoint.read" }, params: endpointParams,
  response: z.object({ endpoint: z.string(), requireKey: z.boolean(), keys: z.array(endpointKeyView) }),
});

export const revokeEndpointKey = defineContract({
  method: "DELETE", path: "/api/v1/endpoints/{endpoint}/keys/{id}", summary: "Revoke an endpoint key; gateways refuse it at once", tag: "endpoints",
  auth: { action: "endpointkey.manage" }, params: endpointParams.extend({ id: dbText.min(1).max(100) }),
  response: endpointKeyView,
});

export const updateEndpointSettings = defineContract({
  method: "PUT", path: "/api/v1/endpoints/{endpoint}/settings", summary: "Set whether the data plane asks for an endpoint key on this endpoint", tag: "endpoints",
  auth: { action: "endpointkey.manage" }, params: endpointParams,
  body: z.object({ requireKey: z.boolean() }).strict(),
  response: z.object({ endpoint: z.string(), environment: z.enum(ENVIRONMENTS), requireKey: z.boolean() }),
});
