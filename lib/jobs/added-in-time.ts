// How producers queue work whose row already exists: wait for Redis a little, never throw. A false
// answer means "not queued yet"; each queue's reconciler picks the row up once Redis is back.

/** Whether `add` settled successfully within `timeoutMs`; a late failure is swallowed (the reconciler covers it). */
export async function addedInTime(add: () => Promise<unknown>, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  let pending: Promise<unknown> = Promise.resolve();
  const timeout = new Promise<false>((resolve) => { timer = setTimeout(() => resolve(false), timeoutMs); });
  try {
    pending = add();
    return await Promise.race([pending.then(() => true), timeout]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
    pending.catch(() => {});
  }
}
