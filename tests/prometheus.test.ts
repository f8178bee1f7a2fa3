// Issue 10, dashboards: the Prometheus and Grafana files in deploy/ against the real processes. Web,
// gateway, an inference worker and the job workers run as processes, serve traffic, and are scraped;
// every metric the alerting rules and the dashboard name must be in some process's /metrics, and
// every exposed name must follow Prometheus's conventions. docker is not run here: the compose file
// is read through `docker-compose config`, the rest is parsed.
import { randomBytes, randomUUID } from "node:crypto";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { getDb } from "@/lib/db/client";
import { createRedis } from "@/lib/redis";
import { listWorkers } from "@/lib/serving/shared/worker-registry";
import { readIngestBacklog } from "@/lib/serving/data/prediction-log/read-ingest-backlog";
import { OTEL_HTTP_DURATION_BUCKETS } from "@/lib/prometheus/buckets";
import { CANARY_DEFAULTS } from "@/lib/serving/control/deployments/plan";
import { GATEWAY_PORT } from "@/lib/env/gateway-env";
import { INFERENCE_PORT } from "@/lib/env/inference-env";
import { jobsEnv } from "@/lib/env/jobs-env";
import { startEnv } from "@/lib/env/start-env";
import { call, multipart } from "./helpers/call";
import { makeWorld, type World } from "./helpers/world";
import { trained } from "./helpers/models";
import { clusterSecret, freePort, httpOk, stopProcess, type Proc } from "./helpers/processes";
import { startCluster, waitFor, type Cluster } from "./helpers/serving-cluster";
import { buildWeb, startWeb } from "./helpers/web";
import { alertExpressions, dashboardExpressions, parseExposition, sampleValue, selectorsInPromQL, type Dashboard, type Family } from "./helpers/prometheus";

const ALERTS = "deploy/prometheus/alerts.yml";
const DASHBOARD = "deploy/grafana/switchyard.json";
const GATEWAY_TOKEN = `gateway-metrics-${randomUUID()}`;
const WEB_TOKEN = `web-metrics-${randomUUID()}`;
/** Series Prometheus makes itself, found in no process's /metrics. */
const PROMETHEUS_MADE = new Set(["up", "ALERTS", "ALERTS_FOR_STATE"]);
/** Labels Prometheus adds to every scraped series. */
const TARGET_LABELS = new Set(["job", "instance"]);

const db = getDb();
let cluster: Cluster;
let web: { url: string; proc: Proc };
let w: World;
let jobsPort: number;
let endpoint: string;
let redis: ReturnType<typeof createRedis>;
const sentRequestIds: string[] = [];
const OK_REQUESTS = 12;

type Scrape = { process: string; families: Map<string, Family>; text: string };

async function scrape(name: string, url: string, token?: string): Promise<Scrape> {
  const res = await fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  const text = await res.text();
  expect(res.status, `${name} ${url}: ${text.slice(0, 300)}`).toBe(200);
  expect(res.headers.get("content-type"), name).toMatch(/^text\/plain; version=0\.0\.4/);
  return { process: name, families: parseExposition(text), text };
}

async function scrapeAll(): Promise<Scrape[]> {
  const [worker] = await listWorkers(redis, { secret: clusterSecret() });
  return Promise.all([
    scrape("web", `${web.url}/metrics`, WEB_TOKEN),
    scrape("gateway", `${cluster.gatewayUrl}/metrics`, GATEWAY_TOKEN),
    scrape("inference", `${worker.url}/metrics`),
    scrape("jobs", `http://127.0.0.1:${jobsPort}/metrics`),
  ]);
}

const value = (s: Scrape, sample: string, labels: Record<string, string> = {}) => sampleValue(s.families, sample, labels);

async function predict(headers: Record<string, string> = {}, body = JSON.stringify({ instances: [trained().testRows[0]] })) {
  const requestId = `req-${randomUUID()}`;
  sentRequestIds.push(requestId);
  const res = await fetch(`${cluster.gatewayUrl}/v1/endpoints/${endpoint}/predict`, { method: "POST", headers: { "content-type": "application/json", "x-request-id": requestId, ...headers }, body });
  await res.arrayBuffer();
  return res.status;
}

const jobsScrape = () => scrape("jobs", `http://127.0.0.1:${jobsPort}/metrics`);

beforeAll(async () => {
  buildWeb();
  jobsPort = await freePort();
  cluster = await startCluster({ workers: 1, gatewayEnv: { GATEWAY_METRICS_TOKEN: GATEWAY_TOKEN }, jobsEnv: { JOBS_PORT: String(jobsPort) } });
  process.env.REDIS_URL = cluster.redis.url;
  redis = createRedis(cluster.redis.url);
  web = await startWeb({ REDIS_URL: cluster.redis.url, METRICS_TOKEN: WEB_TOKEN, NEXTAUTH_SECRET: randomBytes(32).toString("base64url") });
  await waitFor("job workers' /metrics", () => httpOk(`http://127.0.0.1:${jobsPort}/healthz`), 30_000);

  const routes = {
    models: await import("@/app/api/v1/models/route"),
    versions: await import("@/app/api/v1/models/[model]/versions/route"),
    endpoints: await import("@/app/api/v1/endpoints/route"),
    traffic: await import("@/app/api/v1/endpoints/[endpoint]/traffic/route"),
  };
  w = await makeWorld("prom");
  expect((await call(routes.models.POST, "POST", "/api/v1/models", { token: w.tokens.write, body: { name: "credit" } })).status).toBe(201);
  const pushed = await call(routes.versions.POST, "POST", "/api/v1/models/credit/versions", { token: w.tokens.write, rawBody: multipart(trained().onnx, { metrics: {} }), params: { model: "credit" } });
  expect(pushed.status, JSON.stringify(pushed.json)).toBe(201);
  endpoint = `prom-${randomUUID().slice(0, 8)}`;
  expect((await call(routes.endpoints.POST, "POST", "/api/v1/endpoints", { token: w.tokens.deploy, body: { name: endpoint, environment: "staging" } })).status).toBe(201);
  const r = await call(routes.traffic.PUT, "PUT", `/api/v1/endpoints/${endpoint}/traffic`, { token: w.tokens.deploy, body: { model: "credit", variants: [{ version: pushed.json.number, weight: 100 }] }, params: { endpoint } });
  expect(r.status, JSON.stringify(r.json)).toBe(202);
  const d = await waitFor("deployment", async () => {
    const x = await db.deployment.findUnique({ where: { id: r.json.id } });
    return x && ["succeeded", "failed", "rolled_back"].includes(x.status) ? x : null;
  }, 60_000, 200);
  expect(d.status, `${d.error ?? ""}\n${cluster.logs()}`).toBe("succeeded");
  await waitFor("endpoint ready on the gateway", async () => (await fetch(`${cluster.gatewayUrl}/v2/models/${endpoint}/ready`)).status === 200, 30_000);

  // traffic: answers (each with its own request id and sticky user), and one request with bad input
  for (let i = 0; i < OK_REQUESTS; i++) expect(await predict({ "x-user-id": `user-${randomUUID()}` })).toBe(200);
  expect(await predict({}, JSON.stringify({ instances: [{ nonsense: 1 }] }))).toBe(400);
  // ingest has written them: the job workers' counters have something to show
  await waitFor("ingest", async () => (value(await jobsScrape(), "switchyard_predictions_ingested_total") ?? 0) >= OK_REQUESTS, 30_000, 300);
}, 600_000);

afterAll(async () => {
  redis?.disconnect();
  await stopProcess(web?.proc);
  await cluster?.stop();
});

describe("the metrics deploy/ names exist in the processes' /metrics", () => {
  it("finds every metric of alerts.yml and switchyard.json in some process, with the labels the expressions match on", async () => {
    const scrapes = await scrapeAll();
    const families = new Map<string, { process: string; family: Family }>();
    for (const s of scrapes) for (const [name, family] of s.families) families.set(name, { process: s.process, family });
    const dashboard = JSON.parse(readFileSync(DASHBOARD, "utf8")) as Dashboard;
    const expressions = [
      ...alertExpressions(ALERTS).map((a) => ({ where: `alert ${a.alert}`, expr: a.expr })),
      ...dashboardExpressions(dashboard),
    ];
    expect(expressions.length).toBeGreaterThan(20);

    const problems: string[] = [];
    const used = new Set<string>();
    for (const { where, expr } of expressions) {
      const selectors = selectorsInPromQL(expr);
      if (!selectors.length) problems.push(`${where}: no metric in ${expr}`);
      for (const { metric, labels } of selectors) {
        if (PROMETHEUS_MADE.has(metric)) continue;
        // a histogram's series are its family's name and _bucket, _sum or _count
        const base = /_(bucket|sum|count)$/.test(metric) && families.get(metric.replace(/_(bucket|sum|count)$/, ""))?.family.type === "histogram" ? metric.replace(/_(bucket|sum|count)$/, "") : metric;
        const found = families.get(base);
        if (!found) {
          problems.push(`${where}: ${metric} is in no process's /metrics`);
          continue;
        }
        used.add(base);
        if (base !== metric && found.family.type !== "histogram") problems.push(`${where}: ${metric} but ${base} is a ${found.family.type}`);
        // labels are only known from samples: a declared family without any (the drift share until a report) is checked by name
        const known = new Set(found.family.samples.flatMap((x) => Object.keys(x.labels)));
        for (const label of labels) if (found.family.samples.length && !known.has(label) && !TARGET_LABELS.has(label)) problems.push(`${where}: ${metric} has no label "${label}"`);
      }
    }
    expect(problems).toEqual([]);
    // what the issue asks the dashboard to show is there
    for (const metric of ["switchyard_gateway_requests_total", "switchyard_gateway_request_duration_seconds", "switchyard_ingest_lag_seconds", "switchyard_inference_queued_rows", "switchyard_drift_share"]) {
      expect(used, metric).toContain(metric);
    }
    const quantiles = dashboardExpressions(dashboard).map((e) => /^histogram_quantile\((0\.\d+), .*switchyard_gateway_request_duration_seconds_bucket/s.exec(e.expr)?.[1]).filter(Boolean);
    expect(quantiles).toEqual(["0.5", "0.95", "0.99"]);
  });

  it("reports each endpoint's last finished drift report's share in the job workers, read from Postgres when scraped", async () => {
    const db = getDb();
    const e = await db.endpoint.create({ data: { teamId: w.teamId, name: `drift-gauge-${randomUUID().slice(0, 8)}`, routing: { variants: [], sticky: null }, createdBy: "test" } });
    const report = (status: "succeeded" | "failed", share: number | null, ago: number) => db.driftReport.create({
      data: { teamId: w.teamId, endpointId: e.id, from: new Date(Date.now() - 3_600_000), to: new Date(), referenceModel: "m", referenceVersion: 1, requestedBy: "test", status, share, finishedAt: new Date(Date.now() - ago) },
    });
    const before = await jobsScrape();
    expect(before.families.get("switchyard_drift_share")?.type).toBe("gauge");
    expect(before.families.get("switchyard_drift_share")!.samples.some((x) => x.labels.endpoint === e.name)).toBe(false); // no report yet: no series
    await report("succeeded", 0.25, 120_000);
    await report("succeeded", 0.75, 60_000); // the last one counts
    await report("failed", null, 0);
    const jobs = await jobsScrape();
    expect(jobs.families.get("switchyard_drift_share")!.samples.filter((x) => x.labels.endpoint === e.name).map((x) => x.value)).toEqual([0.75]);
    expect(jobs.text).toMatch(/^# HELP switchyard_drift_share .+/m);
  });

  it("names the scrape jobs alerts.yml and the dashboard select, and their thresholds are the built-in defaults", () => {
    const config = parse(readFileSync("deploy/prometheus/prometheus.yml", "utf8")) as { scrape_configs: { job_name: string }[] };
    const jobs = config.scrape_configs.map((c) => c.job_name);
    const dashboard = JSON.parse(readFileSync(DASHBOARD, "utf8")) as Dashboard;
    const selected = [...alertExpressions(ALERTS), ...dashboardExpressions(dashboard)].flatMap((e) => [...e.expr.matchAll(/job\s*(=~|=)\s*"([^"]+)"/g)].map((m) => ({ op: m[1], value: m[2] })));
    expect(selected.length).toBeGreaterThan(0);
    for (const { op, value: v } of selected) {
      const matches = jobs.filter((j) => (op === "=" ? j === v : new RegExp(`^(?:${v})$`).test(j)));
      expect(matches.length, `job${op}"${v}"`).toBeGreaterThan(0);
    }
    const rules = new Map(alertExpressions(ALERTS).map((a) => [a.alert, a.expr]));
    expect(rules.get("SwitchyardGatewayErrorRate")).toMatch(new RegExp(`> ${CANARY_DEFAULTS.maxErrorRate}\\s*$`));
    expect(rules.get("SwitchyardGatewayLatencyP95")).toMatch(new RegExp(`^histogram_quantile\\(0\\.95,[\\s\\S]*> ${CANARY_DEFAULTS.maxP95Ms / 1000}\\s*$`));
    expect(rules.get("SwitchyardDatasetDrift")).toMatch(/switchyard_drift_share\) >= 0\.5$/);
    for (const name of ["SwitchyardInferenceWorkerDown", "SwitchyardInferenceWorkerNoHeartbeat", "SwitchyardIngestBacklogGrowing"]) expect(rules.has(name), name).toBe(true);
  });
});

describe("every process's /metrics follows Prometheus's naming", () => {
  it("prefixes every name with switchyard_, ends counters in _total (and nothing else), gives times in seconds and labels in snake_case", async () => {
    const problems: string[] = [];
    for (const s of await scrapeAll()) {
      expect(s.families.size, s.process).toBeGreaterThan(10);
      for (const [name, f] of s.families) {
        const at = `${s.process}: ${name} (${f.type})`;
        if (!name.startsWith("switchyard_")) problems.push(`${at}: no switchyard_ prefix`);
        if (f.type === "counter" && !name.endsWith("_total")) problems.push(`${at}: a counter's name ends in _total`);
        if (f.type !== "counter" && name.endsWith("_total")) problems.push(`${at}: only counters end in _total`);
        if (/_(ms|millis|milliseconds|us|micros|minutes|hours|kb|mb|kilobytes|megabytes)(_|$)/.test(name)) problems.push(`${at}: not in base units`);
        if (/(duration|latency|_lag|_time|timestamp|_age|seconds)/.test(name) && !/_seconds(_total)?$/.test(name)) problems.push(`${at}: a time is in _seconds`);
        for (const label of new Set(f.samples.flatMap((x) => Object.keys(x.labels)))) {
          if (!/^[a-z][a-z0-9_]*$/.test(label)) problems.push(`${at}: label ${label} is not snake_case`);
          if (/(^|_)(id|request_id|user|key)$/.test(label)) problems.push(`${at}: label ${label} is one series per request, user or key`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it("keeps request ids and sticky keys out of every exposition: one series per endpoint and variant, not per request", async () => {
    const scrapes = await scrapeAll();
    expect(sentRequestIds.length).toBeGreaterThan(OK_REQUESTS);
    for (const s of scrapes) {
      for (const id of sentRequestIds) expect(s.text, s.process).not.toContain(id);
      expect(s.text, s.process).not.toMatch(/user-[0-9a-f]{8}-/);
    }
    const gateway = scrapes.find((s) => s.process === "gateway")!;
    const series = gateway.families.get("switchyard_gateway_requests_total")!.samples.filter((x) => x.labels.endpoint === endpoint);
    expect(series.map((x) => x.labels.status).sort()).toEqual(["200", "400"]);
  });
});

describe("the gateway's request duration histogram", () => {
  it("has the OpenTelemetry HTTP server buckets, and counts every answer but bad input", async () => {
    const gateway = await scrape("gateway", `${cluster.gatewayUrl}/metrics`, GATEWAY_TOKEN);
    const f = gateway.families.get("switchyard_gateway_request_duration_seconds")!;
    expect(f.type).toBe("histogram");
    const mine = f.samples.filter((x) => x.labels.endpoint === endpoint);
    const les = mine.filter((x) => x.name.endsWith("_bucket")).map((x) => x.labels.le);
    expect(les).toEqual([...OTEL_HTTP_DURATION_BUCKETS.map(String), "+Inf"]);
    expect(OTEL_HTTP_DURATION_BUCKETS).toEqual([0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10]);
    const variant = mine[0].labels.variant;
    expect(value(gateway, "switchyard_gateway_request_duration_seconds_count", { endpoint, variant })).toBe(OK_REQUESTS);
    expect(value(gateway, "switchyard_gateway_requests_total", { endpoint, variant, status: "200" })).toBe(OK_REQUESTS);
    expect(value(gateway, "switchyard_gateway_requests_total", { endpoint, variant, status: "400" })).toBe(1);
    // the +Inf bucket holds every observation
    expect(value(gateway, "switchyard_gateway_request_duration_seconds_bucket", { endpoint, variant, le: "+Inf" })).toBe(OK_REQUESTS);
  });
});

describe("worker and ingest health in /metrics", () => {
  it("shows the live inference workers and each worker's last heartbeat", async () => {
    const [gateway, worker] = (await scrapeAll()).filter((s) => ["gateway", "inference"].includes(s.process));
    expect(value(gateway, "switchyard_gateway_inference_workers")).toBe(1);
    const beat = value(worker, "switchyard_inference_last_heartbeat_timestamp_seconds")!;
    // heartbeats every 2 s
    expect(Date.now() / 1000 - beat).toBeLessThan(5);
    expect(value(worker, "switchyard_inference_queued_rows")).toBe(0);
  });

  it("reports the ingest backlog and its age while no job worker writes, and 0 once ingest has caught up", async () => {
    const caughtUp = await jobsScrape();
    expect(value(caughtUp, "switchyard_ingest_backlog_entries")).toBe(0);
    expect(value(caughtUp, "switchyard_ingest_lag_seconds")).toBe(0);

    await stopProcess(cluster.procs.jobs);
    const stoppedAt = Date.now();
    for (let i = 0; i < 3; i++) expect(await predict()).toBe(200);
    // the gateway has sent them to the stream (one entry per flush: one to three here)
    await waitFor("the gateway's buffer sent", async () => ((await (await fetch(`${cluster.gatewayUrl}/healthz`)).json()) as { predictionBuffer: number }).predictionBuffer === 0, 10_000, 50);
    const backlog = await readIngestBacklog({ redis });
    expect(backlog.entries).toBeGreaterThanOrEqual(1);
    expect(backlog.entries).toBeLessThanOrEqual(3);
    await new Promise((r) => setTimeout(r, 1_200));
    const later = await readIngestBacklog({ redis });
    expect(later.entries).toBe(backlog.entries);
    // the oldest waiting record was added after the job workers stopped, and it ages
    expect(later.oldestSeconds).toBeGreaterThan(1);
    expect(later.oldestSeconds).toBeLessThanOrEqual((Date.now() - stoppedAt) / 1000);

    cluster.startJobs();
    const after = await waitFor("ingest caught up", async () => {
      const s = await jobsScrape().catch(() => null);
      return s && value(s, "switchyard_ingest_backlog_entries") === 0 ? s : null;
    }, 30_000, 300);
    expect(value(after, "switchyard_ingest_lag_seconds")).toBe(0);
    expect(value(after, "switchyard_jobs", { queue: "deployments", state: "waiting" })).toBe(0);
  }, 60_000);
});

describe("the monitoring profile of docker-compose.yml", () => {
  // the secrets compose asks for, and the monitoring profile's
  const env = { POSTGRES_PASSWORD: "fedcba9876543210fedcba9876543210", REDIS_PASSWORD: "0123456789abcdef0123456789abcdef", CLUSTER_SECRET: "a-cluster-secret-of-at-least-32-bytes!!", GATEWAY_METRICS_TOKEN: "metrics-token-0123456789", METRICS_TOKEN: "web-metrics-token-0123456789", GRAFANA_ADMIN_PASSWORD: "grafana-admin-password" };
  type Mount = string | { type?: string; source?: string; target?: string; read_only?: boolean };
  type Service = { image?: string; profiles?: string[]; volumes?: Mount[]; entrypoint?: string[]; command?: string[]; environment?: Record<string, string>; tmpfs?: string[] };
  const composeConfig = () => {
    const r = spawnSync("docker-compose", ["-f", "docker-compose.yml", "--profile", "monitoring", "config"], { env: { NODE_ENV: "test", PATH: process.env.PATH, ...env }, encoding: "utf8" });
    expect(r.status, r.stderr).toBe(0);
    return parse(r.stdout) as { services: Record<string, Service> };
  };
  const mounts = (s: Service) =>
    (s.volumes ?? []).map((v) => {
      if (typeof v !== "string") return { source: v.source ?? "", target: v.target ?? "", ro: Boolean(v.read_only) };
      const [source, target, mode] = v.split(":");
      return { source, target, ro: mode === "ro" };
    });

  it("runs pinned Prometheus and Grafana images with the deploy/ files mounted read-only where their configuration says", () => {
    const s = composeConfig().services;
    for (const name of ["prometheus", "grafana"]) {
      expect(s[name].profiles, name).toEqual(["monitoring"]);
      expect(s[name].image, name).toMatch(/^[a-z/]+:v?\d+\.\d+\.\d+$/);
    }
    const root = process.cwd();
    const files = [...mounts(s.prometheus), ...mounts(s.grafana)].filter((m) => m.source.startsWith(root) || m.source.startsWith("./"));
    expect(files.length).toBe(5);
    for (const m of files) {
      expect(m.ro, m.target).toBe(true);
      expect(existsSync(path.resolve(root, m.source)), m.source).toBe(true);
    }
    const target = (service: Service, file: string) => mounts(service).find((m) => m.source.endsWith(file))?.target;

    // Prometheus: its config at --config.file, alerts.yml beside it (rule_files are relative to it)
    const prom = parse(readFileSync("deploy/prometheus/prometheus.yml", "utf8")) as { rule_files: string[]; scrape_configs: { job_name: string; authorization?: { credentials_file: string }; dns_sd_configs?: { names: string[]; port: number }[] }[] };
    const configFile = target(s.prometheus, "deploy/prometheus/prometheus.yml")!;
    expect(s.prometheus.command).toContain(`--config.file=${configFile}`);
    for (const rules of prom.rule_files) expect(target(s.prometheus, `deploy/prometheus/${rules}`)).toBe(path.posix.join(path.posix.dirname(configFile), rules));
    // every process of the compose file is scraped at its service name and default port; the tokens come from the files the entrypoint writes
    const scraped = Object.fromEntries(prom.scrape_configs.map((c) => [c.job_name, c]));
    const ports = {
      "switchyard-web": [["web"], startEnv.shape.PORT.parse(undefined)],
      "switchyard-gateway": [["gateway"], GATEWAY_PORT.parse(undefined)],
      "switchyard-inference": [["inference-cpu", "inference-gpu"], INFERENCE_PORT.parse(undefined)],
      "switchyard-jobs": [["jobs"], jobsEnv.shape.JOBS_PORT.parse(undefined)],
    } as const;
    for (const [job, [names, port]] of Object.entries(ports)) {
      expect(scraped[job]?.dns_sd_configs, job).toEqual([{ names, type: "A", port }]);
      for (const n of names) expect(s[n], n).toBeDefined();
    }
    expect(s.jobs.environment!.JOBS_HOST).toBe("0.0.0.0");
    const entrypoint = s.prometheus.entrypoint!.join(" ");
    for (const job of ["switchyard-web", "switchyard-gateway"]) {
      const file = scraped[job].authorization!.credentials_file;
      expect(entrypoint, job).toContain(`> ${file}`);
      expect(s.prometheus.tmpfs).toContain(path.posix.dirname(file));
    }
    expect(s.prometheus.environment).toMatchObject({ METRICS_TOKEN: env.METRICS_TOKEN, GATEWAY_METRICS_TOKEN: env.GATEWAY_METRICS_TOKEN });

    // Grafana: the datasource is the prometheus service; the dashboard provider reads the folder switchyard.json is mounted in
    const ds = parse(readFileSync("deploy/grafana/provisioning/datasources/prometheus.yml", "utf8")) as { datasources: { type: string; url: string }[] };
    expect(ds.datasources).toEqual([expect.objectContaining({ type: "prometheus", url: "http://prometheus:9090" })]);
    expect(target(s.grafana, "deploy/grafana/provisioning/datasources")).toBe("/etc/grafana/provisioning/datasources");
    expect(target(s.grafana, "deploy/grafana/provisioning/dashboards")).toBe("/etc/grafana/provisioning/dashboards");
    const providers = parse(readFileSync("deploy/grafana/provisioning/dashboards/switchyard.yml", "utf8")) as { providers: { type: string; options: { path: string } }[] };
    expect(path.posix.dirname(target(s.grafana, "deploy/grafana/switchyard.json")!)).toBe(providers.providers[0].options.path);
    expect(s.grafana.environment!.GF_SECURITY_ADMIN_PASSWORD).toBe(env.GRAFANA_ADMIN_PASSWORD);
    expect(s.grafana.entrypoint!.join(" ")).toMatch(/GF_SECURITY_ADMIN_PASSWORD\} -ge 12 \] \|\| .*exit 1.*exec \/run\.sh/);
  });

  it("has a dashboard Grafana can load: unique panel ids, every query on the dashboard's Prometheus datasource, a timeseries or stat per panel", () => {
    type GrafanaPanel = { id: number; type: string; datasource?: { uid: string }; targets?: { datasource?: { uid: string } }[]; gridPos: { w: number; x: number } };
    const dash = JSON.parse(readFileSync(DASHBOARD, "utf8")) as { uid: string; schemaVersion: number; panels: GrafanaPanel[]; templating: { list: { name: string }[] } };
    expect(dash.uid).toBe("switchyard");
    expect(dash.schemaVersion).toBeGreaterThanOrEqual(36);
    const ids = dash.panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const p of dash.panels) {
      expect(p.gridPos.x + p.gridPos.w, `panel ${p.id}`).toBeLessThanOrEqual(24);
      if (p.type === "row") continue;
      expect(["timeseries", "stat"]).toContain(p.type);
      expect(p.datasource?.uid).toBe("${datasource}");
      for (const t of p.targets ?? []) expect(t.datasource?.uid).toBe("${datasource}");
    }
    expect(dash.templating.list.map((v) => v.name)).toEqual(["datasource", "endpoint", "variant"]);
  });
});
