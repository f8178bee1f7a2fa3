import pino from "pino";
import { logEnv } from "./env/base-env";
import { parseEnv } from "./env/parse-env";

/**
 * JSON-line logs. Authorization headers, cookies and tokens are redacted wherever they appear.
 * Processes pass the level from their parsed env; without one, LOG_LEVEL is read through lib/env.
 */
export function createLogger(name: string, level: string = parseEnv(logEnv).LOG_LEVEL) {
  return pino({
    name,
    level,
    redact: { paths: ["*.authorization", "*.cookie", "*.token", "*.password", "req.headers.authorization", "req.headers.cookie"], censor: "[redacted]" },
  });
}
