// The reference data of one version, as drift reports read it: column-wise, one entry per model input,
// each value a number, a string or null (missing). Read from the version's stored file
// (lib/reference/reference-file.ts); null when the version has none.
import { buffer } from "node:stream/consumers";
import type { Db } from "../db/client";
import type { ArtifactStore } from "../storage/artifact-store";
import { decodeReference, plainColumns, type ReferenceTable } from "../reference/reference-file";
import { findVersion } from "./find-model";

export type ReferenceData = {
  /** rows kept (at most 100,000) */
  rows: number;
  /** rows pushed; more than `rows` when a seeded sample was kept */
  sampledFrom: number;
  /** the stored file's sha256 */
  sha256: string;
  columns: Record<string, (number | string | null)[]>;
  /** the same rows as typed arrays (numbers: NaN = missing; strings: codes into categories, -1 = missing) */
  table: ReferenceTable;
};

export async function readReferenceData(opts: { db: Db; store: ArtifactStore; teamId: string; model: string; version: number }): Promise<ReferenceData | null> {
  const { version } = await findVersion(opts.db, opts.teamId, opts.model, opts.version);
  if (!version.referenceSha256) return null;
  const table = decodeReference(await buffer(opts.store.open(version.referenceSha256)));
  return { rows: table.rows, sampledFrom: table.sampledFrom, sha256: version.referenceSha256, columns: plainColumns(table), table };
}
