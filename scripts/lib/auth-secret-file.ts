// `npm start` on a fresh clone needs a NEXTAUTH_SECRET that production accepts (the web runs with
// `next start`, NODE_ENV=production): one is generated once into .data/ (git-ignored, readable by its
// owner only) and used from then on, so sessions survive restarts. NEXTAUTH_SECRET, when set, wins.
import { randomBytes } from "node:crypto";
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

export const AUTH_SECRET_FILE = ".data/nextauth-secret";

export function loadOrCreateAuthSecret(file = AUTH_SECRET_FILE): { secret: string; created: boolean } {
  const read = (): string | null => {
    try {
      chmodSync(file, 0o600);
      return readFileSync(file, "utf8").trim() || null;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw err;
    }
  };
  const existing = read();
  if (existing) return { secret: existing, created: false };
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const secret = randomBytes(32).toString("base64url");
  try {
    // "wx": of two starts at once, one writes and the other reads what it wrote
    writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: "wx" });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    const other = read();
    if (other) return { secret: other, created: false };
    writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  }
  return { secret, created: true };
}
