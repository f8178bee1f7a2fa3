import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

// The secrets the compose file asks for; it refuses to start without them.
const SECRETS = { POSTGRES_PASSWORD: "fedcba9876543210fedcba9876543210", REDIS_PASSWORD: "0123456789abcdef0123456789abcdef", CLUSTER_SECRET: "a-cluster-secret-of-at-least-32-bytes!!", GATEWAY_METRICS_TOKEN: "metrics-token-0123456789" };
const ALL_PROFILES = ["--profile", "gpu", "--profile", "monitoring"];
const compose = (args: string[], env: Record<string, string> = SECRETS) =>
  spawnSync("docker-compose", ["-f", "docker-compose.yml", ...args], { env: { NODE_ENV: "test", PATH: process.env.PATH, ...env }, encoding: "utf8" });

type Volume = string | { source?: string; target?: string; read_only?: boolean };
type Service = { ports?: unknown[]; networks?: Record<string, unknown>; environment?: Record<string, string>; command?: string[]; volumes?: Volume[] };

/** The service's mount of the artifacts volume: "ro", "rw", or null when it has none (compose v1 writes short strings, v2 objects). */
function artifactsMount(service: Service): "ro" | "rw" | null {
  for (const v of service.volumes ?? []) {
    if (typeof v === "string") {
      const [source, , mode] = v.split(":");
      if (source === "artifacts") return mode === "ro" ? "ro" : "rw";
    } else if (v.source === "artifacts") return v.read_only ? "ro" : "rw";
  }
  return null;
}

describe("container setup", () => {
  it("docker-compose.yml is valid and has every process, with the GPU worker and the monitoring behind profiles", () => {
    const check = compose(["config", "-q"]);
    expect(check.status, check.stderr).toBe(0);
    const services = compose([...ALL_PROFILES, "config", "--services"]).stdout.split("\n").filter(Boolean);
    expect(services.sort()).toEqual(["gateway", "grafana", "inference-cpu", "inference-gpu", "jobs", "migrate", "postgres", "prometheus", "redis", "web"]);
    const text = readFileSync("docker-compose.yml", "utf8");
    expect(text).toMatch(/profiles: \["gpu"\][\s\S]*driver: nvidia/);
    const config = parse(compose([...ALL_PROFILES, "config"]).stdout) as { services: Record<string, Service & { profiles?: string[] }> };
    expect(config.services.prometheus.profiles).toEqual(["monitoring"]);
    expect(config.services.grafana.profiles).toEqual(["monitoring"]);
  });

  it("keeps Redis and Postgres off the host: a Redis password, no published store ports, workers on an internal network", () => {
    // without its secrets, compose refuses to start, naming them
    for (const missing of Object.keys(SECRETS)) {
      const r = compose(["config", "-q"], Object.fromEntries(Object.entries(SECRETS).filter(([k]) => k !== missing)));
      expect(r.status, missing).not.toBe(0);
      expect(r.stderr).toContain(`set ${missing}`);
    }
    const config = parse(compose([...ALL_PROFILES, "config"]).stdout) as { services: Record<string, Service>; networks: Record<string, { internal?: boolean }> };
    const s = config.services;
    expect(config.networks.internal.internal).toBe(true);
    // only web, gateway and the monitoring publish ports (Prometheus, which has no login, on this host only),
    // and only they are on a network with a route out; Grafana reaches nothing but Prometheus
    expect(Object.entries(s).filter(([, v]) => v.ports?.length).map(([k]) => k).sort()).toEqual(["gateway", "grafana", "prometheus", "web"]);
    expect(s.prometheus.ports!.map((p) => (typeof p === "string" ? p : `${(p as { host_ip?: string }).host_ip}:`))).toEqual([expect.stringMatching(/^127\.0\.0\.1:/)]);
    const networksOf: Record<string, string[]> = { web: ["internal", "public"], gateway: ["internal", "public"], prometheus: ["internal", "monitoring"], grafana: ["monitoring"] };
    for (const [name, v] of Object.entries(s)) {
      const nets = Object.keys(v.networks ?? {}).sort();
      expect(nets, name).toEqual(networksOf[name] ?? ["internal"]);
    }
    // Redis takes a password; every process's REDIS_URL carries it, and every process has the cluster secret
    expect(s.redis.command!.join(" ")).toMatch(/requirepass/);
    expect(s.redis.environment!.REDIS_PASSWORD).toBe(SECRETS.REDIS_PASSWORD);
    for (const name of ["web", "jobs", "gateway", "migrate", "inference-cpu", "inference-gpu"]) {
      expect(s[name].environment!.REDIS_URL, name).toBe(`redis://:${SECRETS.REDIS_PASSWORD}@redis:6379`);
      expect(s[name].environment!.CLUSTER_SECRET, name).toBe(SECRETS.CLUSTER_SECRET);
    }
    expect(s.gateway.environment!.GATEWAY_METRICS_TOKEN).toBe(SECRETS.GATEWAY_METRICS_TOKEN);
  });

  it("gives each process only the secrets it reads, takes the Postgres password from the environment and mounts artifacts read-only where they are only read", () => {
    const config = parse(compose([...ALL_PROFILES, "config"]).stdout) as { services: Record<string, Service> };
    const s = config.services;
    const text = readFileSync("docker-compose.yml", "utf8");
    // no Postgres password written into the file: it comes from POSTGRES_PASSWORD, in every DATABASE_URL
    expect(text).not.toMatch(/postgres:switchyard@|POSTGRES_PASSWORD: switchyard/);
    expect(s.postgres.environment!.POSTGRES_PASSWORD).toBe(SECRETS.POSTGRES_PASSWORD);
    for (const name of ["web", "jobs", "gateway", "migrate"]) {
      expect(s[name].environment!.DATABASE_URL, name).toBe(`postgresql://postgres:${SECRETS.POSTGRES_PASSWORD}@postgres:5432/switchyard`);
    }
    // the processes that run tenants' models or face the internet get no session-signing secret or web metrics token
    for (const name of ["inference-cpu", "inference-gpu", "gateway"]) {
      const env = s[name].environment ?? {};
      expect(Object.keys(env), name).not.toContain("NEXTAUTH_SECRET");
      expect(Object.keys(env), name).not.toContain("METRICS_TOKEN");
      expect(Object.keys(env), name).not.toContain("NEXTAUTH_URL");
    }
    // inference workers read no database (lib/env/inference-env.ts) and get no database URL
    for (const name of ["inference-cpu", "inference-gpu"]) {
      expect(Object.keys(s[name].environment ?? {}), name).not.toContain("DATABASE_URL");
      expect(Object.keys(s[name].environment ?? {}), name).not.toContain("GATEWAY_METRICS_TOKEN");
    }
    expect(Object.keys(s.web.environment!)).not.toContain("GATEWAY_METRICS_TOKEN");
    expect(Object.keys(s.jobs.environment!)).not.toContain("METRICS_TOKEN");
    // inference workers only read model files; the gateway reads none; web (uploads), jobs (GC) and migrate (seed) write
    expect(artifactsMount(s["inference-cpu"])).toBe("ro");
    expect(artifactsMount(s["inference-gpu"])).toBe("ro");
    expect(artifactsMount(s.gateway)).toBeNull();
    for (const name of ["web", "jobs", "migrate"]) expect(artifactsMount(s[name]), name).toBe("rw");
  });

  it("the Dockerfile is multi-stage", () => {
    const stages = readFileSync("Dockerfile", "utf8").match(/^FROM .+ AS \w+/gm) ?? [];
    expect(stages.length).toBeGreaterThanOrEqual(3);
  });
});
