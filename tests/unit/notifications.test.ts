// The pure parts of notifications: the retry schedule, which addresses are refused, signatures,
// secrets at rest and what Slack and PagerDuty get.
import { describe, expect, it } from "vitest";
import { backoffMs, MAX_ATTEMPTS, nextStep, retryAfterMs } from "@/lib/notifications/retry-schedule";
import { addressRefusal, classifyAddress, parseOutboundUrl, resolveOutbound, RefusedAddress } from "@/lib/notifications/outbound-url";
import { signatureHeader } from "@/lib/notifications/sign-webhook";
import { verifySignature } from "@/lib/notifications/verify-signature";
import { decryptSecret, encryptSecret, maskUrl, SecretUnreadable } from "@/lib/notifications/channel-secrets";
import { renderSlack } from "@/lib/notifications/slack-message";
import { renderPagerDuty } from "@/lib/notifications/pagerduty-event";
import type { EventEnvelope } from "@/lib/notifications/event-types";
import { AppError } from "@/lib/errors";

describe("retry schedule", () => {
  it("waits 1 s, 2 s, 4 s … capped at 60 s, for 8 attempts in all", () => {
    expect([1, 2, 3, 4, 5, 6, 7].map((n) => backoffMs(n))).toEqual([1000, 2000, 4000, 8000, 16000, 32000, 60000]);
    expect(backoffMs(20)).toBe(60_000);
    expect(backoffMs(3, 10)).toBe(40);
    expect(MAX_ATTEMPTS).toBe(8);
  });

  it("retries network errors, 429 and 5xx, fails other 4xx at once, and stops after the 8th attempt", () => {
    expect(nextStep({ attempt: 1, status: 200 })).toEqual({ kind: "succeeded" });
    expect(nextStep({ attempt: 1, status: 204 })).toEqual({ kind: "succeeded" });
    expect(nextStep({ attempt: 1, status: null })).toEqual({ kind: "retry", delayMs: 1000 });
    expect(nextStep({ attempt: 2, status: 503 })).toEqual({ kind: "retry", delayMs: 2000 });
    expect(nextStep({ attempt: 3, status: 429 })).toEqual({ kind: "retry", delayMs: 4000 });
    expect(nextStep({ attempt: 1, status: 400 })).toEqual({ kind: "failed" });
    expect(nextStep({ attempt: 1, status: 410 })).toEqual({ kind: "failed" });
    expect(nextStep({ attempt: 1, status: 301 })).toEqual({ kind: "failed" });
    expect(nextStep({ attempt: 7, status: 500 })).toEqual({ kind: "retry", delayMs: 60_000 });
    expect(nextStep({ attempt: 8, status: 500 })).toEqual({ kind: "failed" });
  });

  it("honours Retry-After in seconds or as an HTTP date", () => {
    const now = Date.parse("2030-01-01T00:00:00Z");
    expect(retryAfterMs("2", now)).toBe(2000);
    expect(retryAfterMs("Tue, 01 Jan 2030 00:00:30 GMT", now)).toBe(30_000);
    expect(retryAfterMs("Mon, 31 Dec 2029 00:00:00 GMT", now)).toBe(0);
    expect(retryAfterMs("soon", now)).toBeNull();
    expect(retryAfterMs("999999999", now)).toBe(3_600_000);
    expect(nextStep({ attempt: 1, status: 429, retryAfter: "7", now })).toEqual({ kind: "retry", delayMs: 7000 });
    expect(nextStep({ attempt: 1, status: 503, retryAfter: "Tue, 01 Jan 2030 00:00:05 GMT", now })).toEqual({ kind: "retry", delayMs: 5000 });
  });
});

describe("outbound addresses", () => {
  it("always refuses link-local and cloud-metadata addresses, in every spelling", () => {
    for (const a of ["169.254.169.254", "169.254.0.1", "fe80::1", "fd00:ec2::254", "::ffff:169.254.169.254", "::ffff:a9fe:a9fe", "64:ff9b::a9fe:a9fe", "224.0.0.1"]) {
      expect(classifyAddress(a), a).toBe("forbidden");
      expect(addressRefusal(a, true), a).toMatch(/link-local|metadata/);
    }
  });

  it("refuses private and loopback addresses unless allowed", () => {
    for (const a of ["10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1", "127.0.0.1", "0.0.0.0", "::1", "fc00::1", "fd12:3456::1", "::ffff:127.0.0.1"]) {
      expect(classifyAddress(a), a).toBe("private");
      expect(addressRefusal(a, false), a).toMatch(/NOTIFY_ALLOW_PRIVATE_NETWORKS=1/);
      expect(addressRefusal(a, true), a).toBeNull();
    }
    for (const a of ["8.8.8.8", "172.32.0.1", "2606:4700::1111"]) expect(classifyAddress(a), a).toBe("public");
  });

  it("takes http(s) URLs without credentials only", () => {
    expect(parseOutboundUrl("https://example.com/hook").host).toBe("example.com");
    const refused = (u: string) => { try { parseOutboundUrl(u); return null; } catch (e) { return e as AppError; } };
    expect(refused("ftp://example.com/")?.message).toMatch(/http:\/\/ or https:\/\//);
    expect(refused("file:///etc/passwd")?.message).toMatch(/http:\/\/ or https:\/\//);
    expect(refused("https://user:pass@example.com/")?.message).toMatch(/credentials/);
    expect(refused("https://user@example.com/")?.message).toMatch(/credentials/);
    expect(refused("not a url")?.code).toBe("bad_request");
  });

  it("refuses a host when any of its addresses is refused, and pins to a checked one", async () => {
    const lookup = async (h: string) => (h === "mixed.test" ? [{ address: "93.184.216.34", family: 4 as const }, { address: "169.254.169.254", family: 4 as const }] : [{ address: "93.184.216.34", family: 4 as const }]);
    await expect(resolveOutbound(new URL("http://mixed.test/"), { allowPrivate: true, lookup })).rejects.toThrow(RefusedAddress);
    await expect(resolveOutbound(new URL("http://fine.test/"), { allowPrivate: false, lookup })).resolves.toEqual({ address: "93.184.216.34", family: 4 });
    await expect(resolveOutbound(new URL("http://2852039166/"), { allowPrivate: true, lookup })).rejects.toThrow(/169\.254\.169\.254/); // decimal spelling
  });
});

describe("webhook signatures", () => {
  const body = JSON.stringify({ id: "evt_1", type: "version.created" });
  const now = Date.parse("2030-01-01T00:00:00Z");

  it("verify with the secret and the raw body, within 5 minutes", () => {
    const header = signatureHeader("whsec_test", body, now);
    expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(verifySignature({ rawBody: body, header, secret: "whsec_test", now: now + 299_000 })).toEqual({ ok: true, timestamp: now / 1000 });
    expect(verifySignature({ rawBody: body, header, secret: "whsec_test", now: now + 301_000 })).toMatchObject({ ok: false, reason: /tolerance/ });
    expect(verifySignature({ rawBody: body, header, secret: "whsec_other", now })).toMatchObject({ ok: false, reason: /does not match/ });
    expect(verifySignature({ rawBody: body + " ", header, secret: "whsec_test", now })).toMatchObject({ ok: false });
    expect(verifySignature({ rawBody: body, header: "garbage", secret: "whsec_test", now })).toMatchObject({ ok: false, reason: /malformed/ });
    expect(verifySignature({ rawBody: body, header: null, secret: "whsec_test", now })).toMatchObject({ ok: false });
  });
});

describe("channel secrets at rest", () => {
  it("are encrypted, readable with the same key only, and shown masked", () => {
    const sealed = encryptSecret("https://hooks.slack.com/services/T000/B000/XXXXabcd", "key-one-key-one-key-one-key-one-1");
    expect(sealed).not.toContain("XXXX");
    expect(decryptSecret(sealed, "key-one-key-one-key-one-key-one-1")).toBe("https://hooks.slack.com/services/T000/B000/XXXXabcd");
    expect(() => decryptSecret(sealed, "another-key-another-key-another-k")).toThrow(SecretUnreadable);
    expect(maskUrl("https://hooks.slack.com/services/T000/B000/XXXXabcd")).toBe("https://hooks.slack.com/…/****abcd");
  });
});

describe("messages", () => {
  const e: EventEnvelope = {
    id: "evt_abc", type: "deployment.rolled_back", createdAt: "2030-01-01T00:00:00.000Z", team: "demo",
    data: { deploymentId: "dep1", endpoint: "credit-prod", model: "credit", version: 4, status: "rolled_back", reason: "error rate 0.3 > 0.05 <b>", createdBy: "ana@example.test" },
  };

  it("Slack gets a readable Block Kit summary with the facts and a link", () => {
    const m = renderSlack(e, { appUrl: "https://sy.example.com/" });
    // escaped like every text Slack renders: a reason typed as <!channel> pings nobody
    expect(m.text).toBe("Deployment on credit-prod rolled back: error rate 0.3 &gt; 0.05 &lt;b&gt;");
    const json = JSON.stringify(m.blocks);
    expect(json).toContain("*Model*\\ncredit");
    expect(json).toContain("*Endpoint*\\ncredit-prod");
    expect(json).toContain("&lt;b&gt;"); // escaped for mrkdwn
    expect(json).toContain("<https://sy.example.com/t/demo/deployments/dep1|Open in Switchyard>");
    expect(renderSlack({ ...e, type: "version.created", data: { model: "credit", version: 5, createdBy: "ana" } }, { appUrl: "http://x" }).text).toBe("New version credit v5 pushed by ana");
  });

  it("PagerDuty gets an Events API v2 trigger, deduplicated per event", () => {
    const p = renderPagerDuty(e, { routingKey: "R0UTING", appUrl: "https://sy.example.com" });
    expect(p).toMatchObject({
      routing_key: "R0UTING", event_action: "trigger", dedup_key: "evt_abc",
      payload: { source: "switchyard", severity: "error", summary: expect.stringContaining("rolled back"), custom_details: { endpoint: "credit-prod", model: "credit", event: "deployment.rolled_back" } },
    });
  });
});
