// Dynamic batching merges different clients' requests into one session.run. That is only safe
// when each row's answer depends on that row alone; a model that mixes rows (a mean over the
// batch, say) would leak one client's input into another's answer. At load, a few distinct rows
// are run together and one by one; the version is batched only if the answers match.
import type { Signature } from "../../../onnx/signature";
import { mergeFeeds, probeRows, type Feeds, type Outputs } from "../../shared/tensors";
import { ModelTimeout, SessionExited } from "./session-runner";

export type RowIndependence = { batched: boolean; reason: string | null };

const PROBE_ROWS = 4;
/** |batched - alone| ≤ ATOL + RTOL·|alone|: kernels for different batch sizes round differently. */
const ATOL = 1e-4;
const RTOL = 1e-3;

export async function probeRowIndependence(run: (feeds: Feeds) => Promise<Outputs>, sig: Signature): Promise<RowIndependence> {
  const off = (reason: string): RowIndependence => ({ batched: false, reason });
  for (const s of sig.inputs) {
    const first = s.shape[0];
    if (s.shape.length === 0) return off(`input "${s.name}" has no batch dimension`);
    if (typeof first === "number" && first > 0) return off(`input "${s.name}" has a fixed first dimension (${first}), so requests cannot be merged`);
  }
  const rows = probeRows(sig, PROBE_ROWS);
  if (rows.length < 2) return off("the inputs are too large to probe whether rows are independent");

  let alone: Outputs[];
  let together: Outputs;
  try {
    alone = [];
    for (const r of rows) alone.push(await run(r));
    together = await run(mergeFeeds(rows));
  } catch (err) {
    // a model that cannot answer a few small rows in time is not loaded at all
    if (err instanceof ModelTimeout || err instanceof SessionExited) throw err;
    return off(`the row-independence probe failed: ${(err as Error).message.slice(0, 200)}`);
  }

  for (const [name, t] of Object.entries(together)) {
    if (t.shape[0] !== rows.length || alone.some((o) => o[name]?.shape[0] !== 1)) {
      return off(`output "${name}" does not have one row per input row`);
    }
    const perRow = t.data.length / rows.length;
    for (let r = 0; r < rows.length; r++) {
      const single = alone[r][name].data;
      for (let j = 0; j < perRow; j++) {
        if (!same(t.data[r * perRow + j], single[j])) {
          return off(`output "${name}" of a row changes with the other rows in its batch (probe row ${r}: ${show(single[j])} alone, ${show(t.data[r * perRow + j])} in a batch of ${rows.length})`);
        }
      }
    }
  }
  return { batched: true, reason: null };
}

function same(a: number | string, b: number | string): boolean {
  if (a === b) return true;
  if (typeof a === "number" && typeof b === "number") return (Number.isNaN(a) && Number.isNaN(b)) || Math.abs(a - b) <= ATOL + RTOL * Math.abs(b);
  return a === b;
}

const show = (x: number | string) => (typeof x === "number" ? String(Number(x.toPrecision(6))) : JSON.stringify(x));
