// Runs once when the Next.js server starts: parses the web's configuration (lib/env/web-env.ts), so a
// bad value stops `next start` at once (exit 1, naming the variable) instead of failing requests later.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { loadEnv } = await import("./lib/env/parse-env");
  const { webEnv } = await import("./lib/env/web-env");
  loadEnv(webEnv);
}
