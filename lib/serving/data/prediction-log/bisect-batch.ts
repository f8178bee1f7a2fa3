// Writing a batch so that one bad item never holds the others back: a batch the store refuses
// because of its contents is split in halves, again and again, until each refused item stands
// alone; everything else is written. Failures that are not about the contents (the store is down)
// are thrown, so that the whole batch is tried again later.

export type Rejected<T> = { item: T; reason: string };

/**
 * Writes `items` with `write` (one all-or-nothing write per call, returning what it counts as written).
 * `refusal(err)` says why the store refused the contents of the part it was given, or null when the
 * failure is not about the contents (then it is thrown). Returns the total written and the items refused
 * on their own, each with its reason, in their original order. With k refused items among n, it makes
 * O(k log n) writes.
 */
export async function bisectBatch<T>(items: T[], write: (part: T[]) => Promise<number>, refusal: (err: unknown) => string | null): Promise<{ written: number; rejected: Rejected<T>[] }> {
  const rejected: Rejected<T>[] = [];
  let written = 0;
  const go = async (part: T[]): Promise<void> => {
    if (!part.length) return;
    try {
      written += await write(part);
    } catch (err) {
      const reason = refusal(err);
      if (reason === null) throw err;
      if (part.length === 1) {
        rejected.push({ item: part[0], reason });
        return;
      }
      const mid = Math.ceil(part.length / 2);
      await go(part.slice(0, mid));
      await go(part.slice(mid));
    }
  };
  await go(items);
  return { written, rejected };
}
