// Gateway: the data plane's front door on GATEWAY_PORT (8080). Never waits on Postgres per request.
// GATEWAY_PROCESSES > 1: this process is the primary of a node:cluster whose processes serve; 1: it serves alone.
import cluster from "node:cluster";
import { loadEnv } from "../../lib/env/parse-env";
import { gatewayEnv } from "../../lib/env/gateway-env";
import { createLogger } from "../../lib/log";

const env = loadEnv(gatewayEnv);
const log = createLogger("gateway", env.LOG_LEVEL);
// imported where used: the primary loads neither the database client nor the serving code
if (env.GATEWAY_PROCESSES > 1 && cluster.isPrimary) (await import("../../lib/serving/data/gateway/run-gateway-cluster")).runGatewayCluster({ processes: env.GATEWAY_PROCESSES, log });
else await (await import("../../lib/serving/data/gateway/run-gateway-process")).runGatewayProcess(env, log, { clustered: cluster.isWorker });
