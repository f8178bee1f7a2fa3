import { readFileSync } from "node:fs";
import { expect, test, type Download, type Page } from "@playwright/test";
import { signIn } from "./helpers";
import { loadGermanCredit } from "../lib/training/german-credit";

// The prediction log of the seeded staging endpoint: this journey sends its own requests through the
// gateway, each with a request id of its own (`<tag>-<n>`), and looks only for those among what others logged.
const ENDPOINT = "credit-risk";
const V1 = "credit-risk-v1";
const V2 = "credit-risk-v2";
const gateway = () => process.env.E2E_GATEWAY_URL!;

const downloaded = async (d: Download) => readFileSync((await d.path())!, "utf8");
const idsIn = (text: string, tag: string) => new Set(text.match(new RegExp(`${tag}-\\d+`, "g")) ?? []);

/** The variant column of the table's rows (“credit-risk-v1 v1”). */
const variantsShown = (page: Page) => page.getByTestId("prediction-row").locator("td:nth-child(3)").allTextContents();

test("browse and export the prediction log: filter by variant and request id, open a record, load more, export CSV and JSON Lines", async ({ page, request }) => {
  test.setTimeout(180_000);
  const tag = `plog${Date.now().toString(36)}`;
  const data = loadGermanCredit().rows;
  await expect.poll(async () => (await request.get(`${gateway()}/v2/models/${ENDPOINT}/ready`)).status(), { timeout: 30_000 }).toBe(200);

  // enough traffic that v1 (90%, sticky per user) fills more than one page of the explorer (100 rows)
  const servedBy = new Map<string, string>();
  const count = (variant: string) => [...servedBy.values()].filter((v) => v === variant).length;
  for (let i = 0; (count(V1) < 110 || count(V2) < 3) && i < 400; i++) {
    const id = `${tag}-${i}`;
    const r = await request.post(`${gateway()}/v1/endpoints/${ENDPOINT}/predict`, { data: { instances: [data[i % data.length]] }, headers: { "x-request-id": id, "x-user-id": `${tag}-user-${i}` } });
    expect(r.status()).toBe(200);
    servedBy.set(id, (await r.json()).variant);
  }
  expect(count(V1)).toBeGreaterThanOrEqual(110);
  expect(count(V2)).toBeGreaterThanOrEqual(3);
  const mine = (variant: string) => new Set([...servedBy].filter(([, v]) => v === variant).map(([id]) => id));

  await signIn(page);
  // logged once the jobs worker has taken them off the stream
  await expect.poll(async () => {
    const r = await page.request.get(`/api/v1/endpoints/${ENDPOINT}/predictions?team=demo&limit=500`);
    const body = (await r.json()) as { predictions: { requestId: string }[] };
    return body.predictions.filter((p) => p.requestId.startsWith(`${tag}-`)).length;
  }, { timeout: 30_000 }).toBe(servedBy.size);

  await page.goto(`/t/demo/endpoints/${ENDPOINT}`);
  await page.getByRole("link", { name: "Prediction log →" }).click();
  await expect(page).toHaveURL(new RegExp(`/endpoints/${ENDPOINT}/predictions$`));
  const filters = page.getByRole("form", { name: "Filters" });
  const rows = page.getByTestId("prediction-row");

  // by variant: a full page of v1 only, then the next page by cursor
  await filters.getByLabel("Variant").fill(V1);
  await filters.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(new RegExp(`variant=${V1}`));
  await expect(rows).toHaveCount(100);
  expect(new Set((await variantsShown(page)).map((t) => t.trim()))).toEqual(new Set([`${V1} v1`]));
  await page.getByRole("button", { name: "Load more" }).click();
  await expect.poll(() => rows.count()).toBeGreaterThan(100);
  expect(new Set((await variantsShown(page)).map((t) => t.trim()))).toEqual(new Set([`${V1} v1`]));

  // by request id: the one record, opened on its inputs and outputs
  const one = [...mine(V2)][0];
  await filters.getByLabel("Variant").fill("");
  await filters.getByLabel("Request id").fill(one);
  await filters.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(new RegExp(`requestId=${one}`));
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText(one);
  await expect(rows.first()).toContainText(V2);
  await page.getByRole("button", { name: `Show request ${one}` }).click();
  const details = page.getByTestId("prediction-details");
  await expect(details).toContainText("Inputs");
  await expect(details).toContainText('"duration"');
  await expect(details).toContainText("Outputs");
  await expect(details).toContainText('"probability"');
  await page.screenshot({ path: "test-results/prediction-log.png", fullPage: true });

  // export what the filter shows: v2's records, as CSV and as JSON Lines
  await filters.getByLabel("Request id").fill("");
  await filters.getByLabel("Variant").fill(V2);
  await filters.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(new RegExp(`variant=${V2}`));
  await expect.poll(() => rows.count()).toBeGreaterThanOrEqual(mine(V2).size);
  const shown = await rows.count();

  const [csvDownload] = await Promise.all([page.waitForEvent("download"), page.getByTestId("export-csv").click()]);
  expect(csvDownload.suggestedFilename()).toMatch(new RegExp(`^predictions-${ENDPOINT}-.*\\.csv$`));
  const csv = (await downloaded(csvDownload)).trimEnd().split(/\r?\n/);
  expect(csv[0]).toMatch(/^time,requestId,variant,version,status,latencyMs,shadow,rows,error,/);
  expect(csv[0]).toContain("input.duration");
  expect(csv.length - 1).toBe(shown);
  expect(new Set(csv.slice(1).map((line) => line.split(",")[2]))).toEqual(new Set([V2]));
  expect(idsIn(csv.join("\n"), tag)).toEqual(mine(V2));

  const [jsonlDownload] = await Promise.all([page.waitForEvent("download"), page.getByTestId("export-jsonl").click()]);
  expect(jsonlDownload.suggestedFilename()).toMatch(/\.jsonl$/);
  const records = (await downloaded(jsonlDownload)).trim().split("\n").map((line) => JSON.parse(line) as { requestId: string; variant: string; inputs: Record<string, unknown[]> | null; outputs: unknown });
  expect(records).toHaveLength(shown);
  expect(new Set(records.map((r) => r.variant))).toEqual(new Set([V2]));
  expect(new Set(records.map((r) => r.requestId).filter((id) => id.startsWith(`${tag}-`)))).toEqual(mine(V2));
  const exported = records.find((r) => r.requestId === one)!;
  expect(Object.keys(exported.inputs ?? {})).toContain("duration");
  expect(exported.outputs).not.toBeNull();
});
