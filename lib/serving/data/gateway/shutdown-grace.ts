// How long a gateway process takes to stop, at most: the process keeps to the first two, its primary
// (run-gateway-cluster.ts) kills one that takes longer than the sum.

/** requests still running when the process is told to stop get this long to finish */
export const CLOSE_GRACE_MS = 5_000;
/** buffered prediction records get this long to reach Redis (e.g. while it restarts) before the process exits */
export const FLUSH_GRACE_MS = 10_000;
export const PROCESS_STOP_MS = CLOSE_GRACE_MS + FLUSH_GRACE_MS + 2_000;
