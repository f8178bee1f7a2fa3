import { route } from "@/lib/api/handle";
import { getOpenApi } from "@/lib/api/contracts/health";
import { buildOpenApi } from "@/lib/api/openapi";
import { APP_VERSION } from "@/lib/version";

export const GET = route(getOpenApi, async () => buildOpenApi(APP_VERSION));
