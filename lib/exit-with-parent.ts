// For child processes that run untrusted models (the upload validator, the inference worker's
// session processes): they must not outlive the process that started them. A run stuck in native
// code never returns to its event loop, so a watchdog thread (with its own event loop) checks the
// parent every 500 ms and kills this process once it is gone.
import { Worker } from "node:worker_threads";

const WATCHDOG = `
  const { workerData } = require("node:worker_threads");
  setInterval(() => { if (process.ppid !== workerData.ppid) process.kill(workerData.pid, "SIGKILL"); }, 500);
`;

export function exitWithParent(): void {
  new Worker(WATCHDOG, { eval: true, workerData: { ppid: process.ppid, pid: process.pid } }).unref();
}
