// A real serving cluster for tests: private Redis, inference workers, a gateway and job workers,
// all as separate processes on this run's database and artifact directory. Every process gets the
// same CLUSTER_SECRET (startProcess passes it), as a real deployment must.
import { freePort, httpOk, startProcess, startRedis, stopProcess, waitFor, type Proc } from "./processes";

export type Cluster = Awaited<ReturnType<typeof startCluster>>;

export async function startCluster(opts: { workers: number; jobsEnv?: Record<string, string>; gatewayEnv?: Record<string, string> }) {
  const redis = await startRedis();
  const base = { DATABASE_URL: process.env.DATABASE_URL!, ARTIFACT_DIR: process.env.ARTIFACT_DIR!, REDIS_URL: redis.url };
  const gatewayPort = await freePort();
  const procs: { workers: Proc[]; gateway?: Proc; jobs?: Proc } = { workers: [] };

  const startWorker = async (extra: Record<string, string> = {}) => {
    const port = await freePort();
    const p = startProcess(`inference-${port}`, "workers/inference/main.ts", { ...base, INFERENCE_PORT: String(port), INFERENCE_WORKER_ID: `test-${port}`, ...extra });
    return { p, port, url: `http://127.0.0.1:${port}` };
  };
  const startJobs = () => {
    procs.jobs = startProcess("jobs", "workers/jobs/main.ts", {
      ...base, JOBS_LOCK_MS: "4000", JOBS_STALLED_MS: "2000", JOBS_RECONCILE_MS: "1000", JOBS_HEAL_MS: "1500", JOBS_INGEST_LAG_MS: "800", INGEST_CLAIM_IDLE_MS: "1500", ...opts.jobsEnv,
    });
    return procs.jobs;
  };
  /** `extra`: settings for this start only (a restart with another GATEWAY_PROCESSES, say) */
  const startGateway = async (extra: Record<string, string> = {}) => {
    // one gateway process unless a test asks for more (gateway-cluster.test.ts): the test machines have few cores
    procs.gateway = startProcess("gateway", "workers/gateway/main.ts", { ...base, GATEWAY_PORT: String(gatewayPort), GATEWAY_HOST: "127.0.0.1", GATEWAY_RELOAD_MS: "1000", GATEWAY_MAX_BODY_BYTES: String(256 * 1024), GATEWAY_PROCESSES: "1", ...opts.gatewayEnv, ...extra });
    await waitFor("gateway", () => httpOk(`http://127.0.0.1:${gatewayPort}/v2/health/live`), 120_000);
  };

  try {
    for (let i = 0; i < opts.workers; i++) {
      const w = await startWorker();
      procs.workers.push(w.p);
      await waitFor(`worker ${w.port}`, () => httpOk(`${w.url}/healthz`), 30_000);
    }
    startJobs();
    await startGateway();
  } catch (err) {
    // what did start must not outlive a failed start (the machine is shared)
    const output = [...procs.workers, procs.gateway].filter(Boolean).map((p) => `--- ${p!.name}\n${p!.output.join("")}`).join("\n");
    await Promise.all([...procs.workers.map((p) => stopProcess(p)), stopProcess(procs.gateway), stopProcess(procs.jobs)]);
    await redis.stop();
    throw new Error(`${(err as Error).message}\n${output}`);
  }

  return {
    redis,
    gatewayUrl: `http://127.0.0.1:${gatewayPort}`,
    procs,
    startWorker,
    startJobs,
    startGateway,
    /** Runs `fn` against a gateway started with `extra` settings, then restarts it with the cluster's own. */
    async withGateway<T>(extra: Record<string, string>, fn: () => Promise<T>): Promise<T> {
      await stopProcess(procs.gateway);
      try {
        await startGateway(extra);
        return await fn();
      } finally {
        await stopProcess(procs.gateway);
        await startGateway();
      }
    },
    async stop() {
      await Promise.all([...procs.workers.map((p) => stopProcess(p)), stopProcess(procs.gateway), stopProcess(procs.jobs)]);
      await redis.stop();
    },
    logs: () => [...procs.workers, procs.gateway, procs.jobs].filter(Boolean).map((p) => `--- ${p!.name}\n${p!.output.join("")}`).join("\n"),
  };
}
export { stopProcess, waitFor };
