// The console's steps that several journeys chain: create a model and upload versions in the browser,
// create an endpoint and give it its first split through the split editor, read what the gateway routes.
import { expect, type Page } from "@playwright/test";
import { randomUUID } from "node:crypto";
import { signIn } from "./helpers";
import { loadGermanCredit } from "../lib/training/german-credit";
import { trainClassifier } from "../lib/training/train-classifier";

let trained: ReturnType<typeof trainClassifier> | null = null;
/** A small real model (trained once, on first use: journeys that upload nothing do not pay for it). */
export function trainedModel() {
  trained ??= trainClassifier({ name: "console", data: loadGermanCredit(), kind: "logistic_regression", epochs: 20 });
  return { onnx: Buffer.from(trained.onnx), metrics: trained.metrics, params: trained.params };
}

export const json = (v: unknown) => Buffer.from(JSON.stringify(v));

/** Signs in as the seeded admin and creates a model through the "New model" form; lands on its empty page. */
export async function createModel(page: Page, prefix: string): Promise<{ team: string; model: string }> {
  await signIn(page);
  const team = /\/t\/([^/]+)\/models$/.exec(page.url())![1];
  const model = `${prefix}-${randomUUID().slice(0, 6)}`;
  await page.getByRole("link", { name: "New model" }).click();
  const form = page.getByRole("form", { name: "New model" });
  await expect(form.getByRole("button", { name: "Create model" })).toBeEnabled(); // scripts loaded
  await form.getByLabel("Name").fill(model);
  await form.getByLabel("Description").fill("scores loan applications");
  await form.getByRole("button", { name: "Create model" }).click();
  await expect(page).toHaveURL(new RegExp(`/t/${team}/models/${model}$`));
  await expect(page.getByText("No versions yet")).toBeVisible();
  return { team, model };
}

/** Drops files on the upload's drop zone, as a person dragging them from their desktop would. */
export async function dropFiles(page: Page, files: { name: string; type: string; body: Buffer }[]) {
  const transfer = await page.evaluateHandle((list) => {
    const dt = new DataTransfer();
    for (const f of list) dt.items.add(new File([new Uint8Array(f.bytes)], f.name, { type: f.type }));
    return dt;
  }, files.map((f) => ({ name: f.name, type: f.type, bytes: [...f.body] })));
  await page.getByTestId("drop-zone").dispatchEvent("drop", { dataTransfer: transfer });
}

/** Opens the upload form and waits until its controls work (they are disabled until scripts load). */
export async function openUpload(page: Page) {
  await page.getByRole("link", { name: "Upload version" }).click();
  await expect(page.getByRole("form", { name: "Upload version" }).getByRole("button", { name: "Upload", exact: true })).toBeEnabled();
}

/** Uploads one version through the form (ONNX by the file chooser, metrics and params dropped) and waits for its page. */
export async function uploadVersion(page: Page, model: string, metrics: object, params: object, tags = "") {
  await page.goto(page.url().replace(/\/models\/.*$/, `/models/${model}`));
  await openUpload(page);
  const form = page.getByRole("form", { name: "Upload version" });
  await form.getByLabel(/ONNX model/).setInputFiles({ name: "model.onnx", mimeType: "application/octet-stream", buffer: trainedModel().onnx });
  await dropFiles(page, [{ name: "metrics.json", type: "application/json", body: json(metrics) }, { name: "params.json", type: "application/json", body: json(params) }]);
  await expect(page.getByTestId("upload-metrics-name")).toContainText("metrics.json");
  await expect(page.getByTestId("upload-params-name")).toContainText("params.json");
  if (tags) await form.getByLabel(/Tags/).fill(tags);
  await form.getByRole("button", { name: "Upload", exact: true }).click();
  await expect(page).toHaveURL(/\/versions\/\d+$/, { timeout: 30_000 });
  return Number(/\/versions\/(\d+)$/.exec(page.url())![1]);
}

/** What the gateway routes for the endpoint, as `variant:weight`. */
export async function gatewaySplit(endpoint: string): Promise<string[]> {
  const r = await fetch(`${process.env.E2E_GATEWAY_URL}/v2/models/${endpoint}`);
  return r.ok ? ((await r.json()).variants as { name: string; weight: number }[]).map((v) => `${v.name}:${v.weight}`) : [];
}

/** A new staging endpoint serving `model` v`version` alone, created and deployed through the console. */
export async function endpointServing(page: Page, name: string, model = "credit-risk", version = 1) {
  await page.goto("/t/demo/endpoints");
  await page.getByLabel("Name").fill(name);
  await page.getByRole("button", { name: "Create endpoint" }).click();
  await expect(page).toHaveURL(new RegExp(`/endpoints/${name}$`));
  await page.getByRole("button", { name: "+ Add variant" }).click();
  const row = page.getByTestId("split-row").nth(0);
  await row.getByLabel("Model").selectOption(model);
  await row.getByLabel("Version").selectOption(String(version));
  // nothing serves yet, so every strategy is offered; immediate is the default
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(/\/deployments\//);
  await expect(page.getByTestId("deployment-status")).toHaveText("succeeded", { timeout: 30_000 });
  await expect.poll(() => gatewaySplit(name), { timeout: 15_000 }).toEqual([`${model}-v${version}:100`]);
}
