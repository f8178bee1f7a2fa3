import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

// The secrets the compose file asks for; it refuses to start without them.
const SECRETS = { REDIS_PASSWORD: "0123456789abcdef0123456789abcdef", CLUSTER_SECRET: "a-cluster-secret-of-at-least-32-bytes!!", GATEWAY_METRICS_TOKEN: "metrics-token-0123456789" };
const compose = (args: string[], env: Record<string, string> = SECRETS) =>
  spawnSync("docker-compose", ["-f", "docker-compose.yml", ...args], { env: { NODE_ENV: "test", PATH: process.env.PATH, ...env }, encoding: "utf8" });

type Service = { ports?: unknown[]; networks?: Record<string, unknown>; environment?: Record<string, string>; command?: string[] };

describe("container setup", () => {
  it("docker-compose.yml is valid and has every process, with the GPU worker behind a profile", () => {
    const check = compose(["config", "-q"]);
    expect(check.status, check.stderr).toBe(0);
    const services = compose(["--profile", "gpu", "config", "--services"]).stdout.split("\n").filter(Boolean);
    expect(services.sort()).toEqual(["gateway", "inference-cpu", "inference-gpu", "jobs", "migrate", "postgres", "redis", "web"]);
    const text = readFileSync("docker-compose.yml", "utf8");
    expect(text).toMatch(/profiles: \["gpu"\][\s\S]*driver: nvidia/);
  });

  it("keeps Redis and Postgres off the host: a Redis password, no published store ports, workers on an internal network", () => {
    // without its secrets, compose refuses to start, naming them
    for (const missing of Object.keys(SECRETS)) {
      const r = compose(["config", "-q"], Object.fromEntries(Object.entries(SECRETS).filter(([k]) => k !== missing)));
      expect(r.status, missing).not.toBe(0);
      expect(r.stderr).toContain(`set ${missing}`);
    }
    const config = parse(compose(["--profile", "gpu", "config"]).stdout) as { services: Record<string, Service>; networks: Record<string, { internal?: boolean }> };
    const s = config.services;
    expect(config.networks.internal.internal).toBe(true);
    // only web and gateway publish ports, and only they are on a network with a route out
    expect(Object.entries(s).filter(([, v]) => v.ports?.length).map(([k]) => k).sort()).toEqual(["gateway", "web"]);
    for (const [name, v] of Object.entries(s)) {
      const nets = Object.keys(v.networks ?? {}).sort();
      expect(nets, name).toEqual(["gateway", "web"].includes(name) ? ["internal", "public"] : ["internal"]);
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

  it("the Dockerfile is multi-stage", () => {
    const stages = readFileSync("Dockerfile", "utf8").match(/^FROM .+ AS \w+/gm) ?? [];
    expect(stages.length).toBeGreaterThanOrEqual(3);
  });
});
