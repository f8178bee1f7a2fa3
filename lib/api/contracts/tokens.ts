import { z } from "zod";
import { defineContract } from "../contract";
import { dbInt, dbText, named } from "./shared";
import { SCOPES } from "../../auth/roles";

export const tokenView = named("ApiToken", z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  scopes: z.array(z.enum(SCOPES)),
  expiresAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
  createdBy: z.string(),
  createdAt: z.string(),
}));

// Tokens are managed by signed-in admins only: a leaked token must not be able to mint more.
export const createToken = defineContract({
  method: "POST",
  path: "/api/v1/tokens",
  summary: "Create an API token; the token is in this answer and nowhere else",
  tag: "tokens",
  auth: { action: "token.manage" },
  body: z
    .object({
      name: dbText.min(1).max(100),
      scopes: z.array(z.enum(SCOPES)).min(1),
      expiresInDays: dbInt.min(1).max(3650).optional(),
    })
    .strict(),
  response: tokenView.extend({ token: z.string() }),
  status: 201,
});

export const listTokens = defineContract({
  method: "GET",
  path: "/api/v1/tokens",
  summary: "List the team's API tokens (never their values)",
  tag: "tokens",
  auth: { action: "token.read" },
  response: z.object({ tokens: z.array(tokenView) }),
});

export const revokeToken = defineContract({
  method: "DELETE",
  path: "/api/v1/tokens/{id}",
  summary: "Revoke an API token",
  tag: "tokens",
  auth: { action: "token.manage" },
  params: z.object({ id: dbText.min(1) }),
  response: tokenView,
});
