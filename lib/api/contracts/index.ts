import type { Contract } from "../contract";
import * as audit from "./audit";
import * as endpoints from "./endpoints";
import * as health from "./health";
import * as members from "./members";
import * as models from "./models";
import * as tokens from "./tokens";

const isContract = (v: unknown): v is Contract => typeof v === "object" && v !== null && "method" in v && "path" in v;

/** Every REST operation; the OpenAPI document and its completeness test read this list. */
export const ALL_CONTRACTS: Contract[] = [health, models, endpoints, tokens, members, audit].flatMap((m) => Object.values(m).filter(isContract));
