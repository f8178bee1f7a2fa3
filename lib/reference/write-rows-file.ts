// Column-wise rows given in-process (a push's metadata.referenceData, the built-in trainer's training
// rows) written as JSON Lines to a temp file of the store, so that they are checked and stored exactly
// like a pushed file (check-reference.ts). A shorter column's last rows are missing values.
import { createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { rm } from "node:fs/promises";
import { finished } from "node:stream/promises";
import type { ArtifactStore } from "../storage/artifact-store";

export type Columns = Record<string, readonly (number | string | null)[]>;

export async function writeRowsFile(store: ArtifactStore, columns: Columns): Promise<{ tempFile: string; sha256: string; sizeBytes: number }> {
  const tempFile = await store.tempPath();
  const names = Object.keys(columns);
  const rows = Math.max(0, ...names.map((n) => columns[n].length));
  const hash = createHash("sha256");
  let sizeBytes = 0;
  const out = createWriteStream(tempFile);
  try {
    let batch = "";
    for (let r = 0; r < rows; r++) {
      const row: Record<string, number | string | null> = Object.create(null); // a column named __proto__ stays a column
      for (const n of names) row[n] = columns[n][r] ?? null;
      batch += `${JSON.stringify(row)}\n`;
      if (batch.length > 1 << 20 || r === rows - 1) {
        const bytes = Buffer.from(batch, "utf8");
        hash.update(bytes);
        sizeBytes += bytes.length;
        if (!out.write(bytes)) await new Promise<void>((resolve) => out.once("drain", () => resolve()));
        batch = "";
      }
    }
    out.end();
    await finished(out);
    return { tempFile, sha256: hash.digest("hex"), sizeBytes };
  } catch (err) {
    out.destroy();
    await rm(tempFile, { force: true });
    throw err;
  }
}
