import { expect, test, type APIResponse, type Page } from "@playwright/test";
import { randomUUID } from "node:crypto";
import { settled, signIn } from "./helpers";

// A viewer reads everything and changes nothing. The seeded admin adds one (a generated first password,
// changed at the first sign-in), opens a promotion and leaves a canary baking so that there is something
// to approve and something to abort; the viewer then visits every main page and finds no control that
// writes, and the same writes sent straight to the API with the viewer's session cookie are refused.
// The admin visits the same pages first: what it sees proves the viewer's check looks for real controls.

const TEAM = "demo";
const MODEL = "credit-risk";

/** Accessible names of the controls that change something (buttons and links, from the components). */
const WRITE_CONTROLS = [
  /^New model$/, /^Create model$/, /^Upload version$/, /^Upload$/, /^Archive$/, /^Unarchive$/, /^Edit$/,
  /^Deploy this version$/, /^Point at v\d+$/, /^[a-z0-9][a-z0-9\-_.]* \(now v\d+\)$/, // alias: set here, move here
  /^Create endpoint$/, /^\+ Add variant$/, /^Apply$/, /^Remove$/, /^Start from the current split$/,
  /^Abort$/, /^Abort and roll back$/, /^Roll back to this/, /^Revert to this/,
  /^Approve$/, /^Reject$/, /^Cancel promotion$/,
  /^Create key$/, /^Revoke$/, /^Ask for a key$/, /^Stop asking for a key$/,
  /^Save \w+ policy$/,
  /^Create rule$/, /^Save rule$/, /^Silence$/, /^Unsilence$/, /^Delete$/, /^Delete rule$/, // alert rules
  /^API tokens$/, /^Members$/, /^Notifications$/, /^Dead letters$/, // admin pages in the navigation
];
/** Forms that only write (by their accessible name). */
const WRITE_FORMS = ["New model", "Upload version", "Edit description and tags", "Set an alias", "Abort deployment", "New alert rule"];

/**
 * The write controls the page shows: visible buttons and links named in WRITE_CONTROLS (an "Apply" of a
 * search or of the prediction log's filters only reads), write forms, the split editor's rows, and
 * release-policy fields that can be edited.
 */
function writeControlsShown(page: Page): Promise<string[]> {
  return page.evaluate(({ controls, forms }) => {
    const patterns = controls.map((s) => new RegExp(s));
    const visible = (el: Element) => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== "hidden";
    const shown: string[] = [];
    for (const el of document.querySelectorAll("button, a, [role=button], input[type=submit]")) {
      if (!visible(el) || el.closest("[role=search], form[aria-label='Filters']")) continue;
      const name = (el.getAttribute("aria-label") ?? el.textContent ?? "").replace(/\s+/g, " ").trim();
      if (patterns.some((p) => p.test(name))) shown.push(name);
    }
    for (const f of document.querySelectorAll("form[aria-label]")) if (visible(f) && forms.includes(f.getAttribute("aria-label")!)) shown.push(`form: ${f.getAttribute("aria-label")}`);
    if ([...document.querySelectorAll("[data-testid='split-row']")].some(visible)) shown.push("split editor");
    for (const f of document.querySelectorAll("form[aria-label$=' policy']")) {
      if (f.querySelector("input:enabled, select:enabled, textarea:enabled")) shown.push(`editable fields: ${f.getAttribute("aria-label")}`);
    }
    if ([...document.querySelectorAll("input[placeholder='checkout-service']")].some(visible)) shown.push("endpoint key name field");
    return shown;
  }, { controls: WRITE_CONTROLS.map((r) => r.source), forms: WRITE_FORMS });
}

/** The answer's JSON; a refusal fails the journey with what the API said. */
async function json(r: APIResponse) {
  if (!r.ok()) throw new Error(`${r.url()}: ${r.status()} ${await r.text()}`);
  return r.json();
}

test("a viewer sees no write control anywhere and the server refuses the writes anyway", async ({ page, browser }) => {
  test.setTimeout(300_000);
  await signIn(page);
  const origin = new URL(page.url()).origin;
  const api = (path: string) => `${path}${path.includes("?") ? "&" : "?"}team=${TEAM}`;
  const asAdmin = {
    get: async (path: string) => json(await page.request.get(api(path))),
    send: async (method: string, path: string, data?: object) => json(await page.request.fetch(api(path), { method, headers: { origin }, data })),
  };

  // the admin adds the viewer: a generated first password, shown once
  const email = `viewer-${Date.now()}@example.test`;
  const added = await asAdmin.send("POST", "/api/v1/members", { email, name: "Vera Viewer", role: "viewer" });
  expect(added.initialPassword).toBeTruthy();

  // a promotion waiting for approval: move the protected alias champion to the version it is not on
  const champion = (await asAdmin.get(`/api/v1/models/${MODEL}`)).aliases.champion as number | undefined;
  const asked = await asAdmin.send("POST", "/api/v1/promotions", { kind: "alias", model: MODEL, alias: "champion", version: champion === 2 ? 1 : 2, reason: "viewer journey" });
  const promotion = asked.id as string;

  // an endpoint of this journey's own with a canary baking for an hour (something to abort)
  const endpoint = `viewer-${randomUUID().slice(0, 6)}`;
  await asAdmin.send("POST", "/api/v1/endpoints", { name: endpoint });
  const first = await asAdmin.send("PUT", `/api/v1/endpoints/${endpoint}/traffic`, { model: MODEL, variants: [{ version: 1, weight: 100 }] });
  await expect.poll(async () => (await asAdmin.get(`/api/v1/deployments/${first.id}`)).status, { timeout: 30_000 }).toBe("succeeded");
  const baking = (await asAdmin.send("PUT", `/api/v1/endpoints/${endpoint}/traffic`, {
    model: MODEL, strategy: "canary", canary: { steps: [10], bakeSeconds: 3600, minRequests: 0 },
    variants: [{ version: 1, weight: 90 }, { version: 2, weight: 10, role: "canary" }],
  })).id as string;
  const bakingNow = async () => ((await asAdmin.get(`/api/v1/deployments/${baking}`)).steps as { kind: string; status: string }[]).some((s) => s.kind === "bake" && s.status === "running");
  await expect.poll(bakingNow, { timeout: 30_000 }).toBe(true);

  // a seeded alert rule of the staging endpoint, for the writes below
  const seededRule = ((await asAdmin.get(`/api/v1/endpoints/${MODEL}/alert-rules`)).rules as { id: string }[])[0].id;
  const t = `/t/${TEAM}`;
  const pages: [string, string][] = [
    ["models", `${t}/models`],
    ["new model form", `${t}/models?new=1`],
    ["model", `${t}/models/${MODEL}`],
    ["upload form", `${t}/models/${MODEL}?upload=1`],
    ["version 1", `${t}/models/${MODEL}/versions/1`],
    ["version 2", `${t}/models/${MODEL}/versions/2`],
    ["compare", `${t}/models/${MODEL}/compare?v=1,2`],
    ["endpoints", `${t}/endpoints`],
    ["staging endpoint", `${t}/endpoints/${MODEL}`],
    ["production endpoint", `${t}/endpoints/${MODEL}-prod`],
    ["endpoint with a canary baking", `${t}/endpoints/${endpoint}`],
    ["deploy into an endpoint", `${t}/endpoints/${endpoint}?deploy=${MODEL}%402`],
    ["prediction log", `${t}/endpoints/${MODEL}/predictions`],
    ["deployment", `${t}/deployments/${baking}`],
    ["promotions", `${t}/promotions?view=open`],
    ["promotion", `${t}/promotions/${promotion}`],
    ["policies", `${t}/policies`],
    ["alerts", `${t}/alerts`],
    ["audit", `${t}/audit`],
    ["profile", `${t}/profile`],
  ];
  const visit = async (p: Page, url: string) => {
    const r = await p.goto(url);
    expect(r?.status(), url).toBe(200);
    await settled(p);
    return writeControlsShown(p);
  };

  // the admin first: the check finds the controls the admin has
  const adminSees = new Set<string>();
  for (const [, url] of pages) for (const c of await visit(page, url)) adminSees.add(c);
  for (const c of ["New model", "form: New model", "Upload version", "form: Upload version", "Archive", "Edit", "Deploy this version", "Point at v2", "Create endpoint",
    "+ Add variant", "Apply", "split editor", "Abort", "Cancel promotion", "Create key", "Save production policy", "API tokens", "Members",
    "Create rule", "form: New alert rule", "Silence", "Delete"]) {
    expect(adminSees, `the admin sees "${c}"`).toContain(c);
  }

  const viewerContext = await browser.newContext();
  try {
    const viewer = await viewerContext.newPage();
    // the first sign-in leads to choosing a password of one's own
    await viewer.goto("/signin");
    await viewer.getByLabel("Email").fill(email);
    await viewer.getByLabel("Password").fill(added.initialPassword);
    await viewer.getByRole("button", { name: "Sign in", exact: true }).click();
    await expect(viewer).toHaveURL(/\/change-password$/);
    const chosen = "a-viewer-password-42";
    await viewer.getByLabel("Current password").fill(added.initialPassword);
    await viewer.getByLabel("New password", { exact: true }).fill(chosen);
    await viewer.getByLabel("Repeat the new password").fill(chosen);
    await viewer.getByRole("button", { name: "Change password" }).click();
    await expect(viewer).toHaveURL(new RegExp(`${t}/models$`));

    // every main page: nothing that writes
    const found: string[] = [];
    for (const [label, url] of pages) {
      await test.step(label, async () => {
        found.push(...(await visit(viewer, url)).map((c) => `${label}: ${c}`));
      });
    }
    expect(found, "write controls a viewer sees").toEqual([]);
    // the page's own read-only notes say why
    await viewer.goto(`${t}/endpoints/${endpoint}`);
    await expect(viewer.getByText(/You cannot change the split: this needs the engineer role; you are viewer/)).toBeVisible();
    await viewer.goto(`${t}/policies`);
    await expect(viewer.getByText("Read only: admins change release policies.")).toBeVisible();
    // the admins' pages are not for viewers
    for (const url of [`${t}/tokens`, `${t}/members`, `${t}/admin/channels`]) {
      await viewer.goto(url);
      await expect(viewer, url).toHaveURL(/\/forbidden\?need=admin$/);
    }

    // the same writes, sent straight to the API with the viewer's cookie from the app's own origin: 403 with the reason
    const onnx = Buffer.from("not really a model");
    const writes: [string, string, { data?: object; multipart?: Record<string, { name: string; mimeType: string; buffer: Buffer } | string> }][] = [
      ["POST", "/api/v1/models", { data: { name: "made-by-a-viewer" } }],
      ["POST", `/api/v1/models/${MODEL}/versions`, { multipart: { file: { name: "model.onnx", mimeType: "application/octet-stream", buffer: onnx } } }],
      ["PATCH", `/api/v1/models/${MODEL}/versions/1`, { data: { description: "changed by a viewer" } }],
      ["POST", `/api/v1/models/${MODEL}/versions/1/archive`, {}],
      ["POST", `/api/v1/models/${MODEL}/versions/1/unarchive`, {}],
      ["PUT", `/api/v1/models/${MODEL}/aliases/challenger`, { data: { version: 1 } }],
      ["POST", "/api/v1/endpoints", { data: { name: "made-by-a-viewer" } }],
      ["PUT", `/api/v1/endpoints/${MODEL}/traffic`, { data: { model: MODEL, variants: [{ version: 1, weight: 100 }] } }],
      ["PUT", `/api/v1/endpoints/${MODEL}-prod/traffic`, { data: { model: MODEL, variants: [{ version: 1, weight: 100 }] } }],
      ["POST", `/api/v1/deployments/${baking}/abort`, { data: { reason: "a viewer tries" } }],
      ["POST", "/api/v1/promotions", { data: { kind: "alias", model: MODEL, alias: "champion", version: 1 } }],
      ["POST", `/api/v1/promotions/${promotion}/approve`, { data: { comment: "looks fine to me" } }],
      ["POST", `/api/v1/promotions/${promotion}/reject`, { data: {} }],
      ["POST", `/api/v1/promotions/${promotion}/cancel`, { data: {} }],
      ["PUT", "/api/v1/policies/production", { data: { requiredApprovals: 0 } }],
      ["POST", `/api/v1/endpoints/${MODEL}/keys`, { data: { name: "viewer-key" } }],
      ["POST", `/api/v1/endpoints/${MODEL}/alert-rules`, { data: { metric: "error_rate", operator: ">", threshold: 0.5, windowSeconds: 300 } }],
      ["POST", `/api/v1/endpoints/${MODEL}/alert-rules/${seededRule}/silence`, { data: { until: new Date(Date.now() + 3_600_000).toISOString(), reason: "a viewer tries" } }],
      ["DELETE", `/api/v1/endpoints/${MODEL}/alert-rules/${seededRule}`, {}],
      ["PUT", `/api/v1/endpoints/${MODEL}-prod/settings`, { data: { requireKey: false } }],
      ["POST", "/api/v1/channels", { data: { name: "viewer hook", kind: "webhook", url: "https://example.test/hook", events: ["promotion.requested"] } }],
      ["POST", "/api/v1/tokens", { data: { name: "viewer token", scopes: ["write"] } }],
      ["POST", "/api/v1/members", { data: { email: `friend-${Date.now()}@example.test`, role: "admin" } }],
    ];
    for (const [method, path, body] of writes) {
      await test.step(`${method} ${path}`, async () => {
        const r = await viewer.request.fetch(api(path), { method, headers: { origin }, ...body });
        expect(r.status(), `${method} ${path}: ${await r.text()}`).toBe(403);
        const message = (await r.json()).error.message as string;
        expect(message, `${method} ${path}`).toMatch(/^this needs the (engineer|approver|admin) role; you are viewer in team "demo"$/);
      });
    }
    // and reading still works
    expect((await viewer.request.get(api(`/api/v1/endpoints/${MODEL}`))).status()).toBe(200);
  } finally {
    await viewerContext.close();
  }

  // nothing the viewer sent changed anything
  expect((await asAdmin.get(`/api/v1/models/${MODEL}/versions/1`)).archivedAt).toBeNull();
  expect((await asAdmin.get(`/api/v1/promotions/${promotion}`)).status).toBe(asked.status);
  expect(await bakingNow()).toBe(true);
  const models = (await asAdmin.get("/api/v1/models?q=made-by-a-viewer")).models as unknown[];
  expect(models).toEqual([]);

  // the admin tidies up: later journeys count only their own promotions and deployments
  await asAdmin.send("POST", `/api/v1/deployments/${baking}/abort`, { reason: "viewer journey done" });
  await asAdmin.send("POST", `/api/v1/promotions/${promotion}/cancel`, {});
});
