import type { z } from "zod";
import type { Action } from "../auth/policy";

/**
 * One REST operation: how it is called, who may call it and the shapes it takes and gives.
 * The route wrapper parses with these schemas and the OpenAPI document is generated from them.
 */
export type Contract = {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** OpenAPI-style path, e.g. /api/v1/models/{model} */
  path: string;
  summary: string;
  tag: string;
  /** "public": no auth. Otherwise the action it performs; lib/auth/policy.ts says who may. */
  auth: "public" | { action: Action };
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  /**
   * application/x-www-form-urlencoded, handed to the handler unparsed as `rawBody` (at most `maxBytes`):
   * a sender that signs its body (Slack) is verified over the exact bytes before anything is parsed.
   * `fields` describe the form for the docs; `signed` names how the sender is authenticated.
   */
  rawForm?: { fields: Record<string, string>; maxBytes: number; signed: string };
  /** multipart/form-data: fields described for the docs; parsing is the handler's. */
  multipart?: Record<string, { type: "file" | "json"; description: string; optional?: boolean }>;
  response?: z.ZodType;
  status?: number;
  /** A second answer, 202 Accepted with this body: the change needs a promotion (governance) instead of acting. */
  accepted?: { response: z.ZodType; description: string };
  /** Where the domain function's input sits in the request, to name an error's field (default "body"). */
  fieldsIn?: string;
  /** Content type of a non-JSON answer, such as an artifact download (several: the query picks one). */
  produces?: string | readonly string[];
};

export const defineContract = <C extends Contract>(c: C) => c;

/** What a route answers, for the UI and the CLI: one declaration of every response shape. */
export type ResponseOf<C extends Contract> = C["response"] extends z.ZodType ? z.infer<C["response"]> : never;
/** What a route takes as its JSON body. */
export type BodyOf<C extends Contract> = C["body"] extends z.ZodType ? z.input<C["body"]> : never;
