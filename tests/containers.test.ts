import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

describe("container setup", () => {
  it("docker-compose.yml is valid and has every process, with the GPU worker behind a profile", () => {
    execFileSync("docker-compose", ["-f", "docker-compose.yml", "config", "-q"], { stdio: "pipe" });
    const services = execFileSync("docker-compose", ["-f", "docker-compose.yml", "--profile", "gpu", "config", "--services"]).toString().split("\n").filter(Boolean);
    expect(services.sort()).toEqual(["gateway", "inference-cpu", "inference-gpu", "jobs", "migrate", "postgres", "redis", "web"]);
    const compose = readFileSync("docker-compose.yml", "utf8");
    expect(compose).toMatch(/profiles: \["gpu"\][\s\S]*driver: nvidia/);
  });

  it("the Dockerfile is multi-stage", () => {
    const stages = readFileSync("Dockerfile", "utf8").match(/^FROM .+ AS \w+/gm) ?? [];
    expect(stages.length).toBeGreaterThanOrEqual(3);
  });
});
