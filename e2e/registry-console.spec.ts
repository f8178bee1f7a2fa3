// The registry in the browser: create a model, upload versions (file chooser and drag and drop, a
// refused upload shown next to its field and leaving nothing), compare three versions, and search and
// filter the lists with the state in the URL. Each journey makes its own model.
import { expect, test } from "@playwright/test";
import { readFileSync } from "node:fs";
import { createModel, dropFiles, json, openUpload, trainedModel, uploadVersion } from "./console-helpers";

const referenceCsv = readFileSync("fixtures/german_credit.csv", "utf8").split("\n").slice(0, 101).join("\n");

test("create a model and upload a version by the file chooser and drag and drop; a refused upload says why next to the field and stores nothing", async ({ page }) => {
  const { model } = await createModel(page, "console-upload");
  const { onnx, metrics, params } = trainedModel();
  await openUpload(page);
  const form = page.getByRole("form", { name: "Upload version" });

  // a metric that is not a number: the API's answer under the metrics file, and no version
  await form.getByLabel(/ONNX model/).setInputFiles({ name: "model.onnx", mimeType: "application/octet-stream", buffer: onnx });
  await dropFiles(page, [{ name: "metrics.json", type: "application/json", body: json({ auc: "high" }) }]);
  await form.getByRole("button", { name: "Upload", exact: true }).click();
  await expect(page.locator("#upload-metrics-error")).toContainText(/number/i);
  await page.reload(); // ?upload=1: the form opens again, empty
  await expect(page.getByText("No versions yet")).toBeVisible();
  await expect(form.getByRole("button", { name: "Upload", exact: true })).toBeEnabled();

  // reference data that does not fit the model's inputs: the server's answer under the reference file, and no version
  await form.getByLabel(/ONNX model/).setInputFiles({ name: "model.onnx", mimeType: "application/octet-stream", buffer: onnx });
  await form.getByLabel(/Reference data/).setInputFiles({ name: "ref.csv", mimeType: "text/csv", buffer: Buffer.from(referenceCsv.replace(/\n6,1169,/, "\nsix,1169,")) });
  await form.getByRole("button", { name: "Upload", exact: true }).click();
  await expect(page.locator("#upload-reference-error")).toContainText('reference row 1: column "duration" must be a number, not "six"', { timeout: 30_000 });
  await page.reload();
  await expect(page.getByText("No versions yet")).toBeVisible();

  // the real thing: model, metrics and params dropped, a reference sample chosen, with progress
  await dropFiles(page, [
    { name: "model.onnx", type: "application/octet-stream", body: onnx },
    { name: "metrics.json", type: "application/json", body: json(metrics) },
    { name: "params.json", type: "application/json", body: json(params) },
  ]);
  await form.getByLabel(/Reference data/).setInputFiles({ name: "german_credit.csv", mimeType: "text/csv", buffer: Buffer.from(referenceCsv) });
  await form.getByLabel("Description").fill("first upload from the browser");
  await form.getByLabel(/Tags/).fill("browser, candidate");
  await form.getByRole("button", { name: "Upload", exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`/models/${model}/versions/1$`), { timeout: 30_000 });
  await expect(page.getByTestId("version-reference")).toHaveText("100 rows (for drift reports)");
  await expect(page.getByTestId("version-description")).toHaveText("first upload from the browser");
  await expect(page.getByTestId("version-tags")).toContainText("candidate");

  // edit description and tags in place; point an alias here
  await page.getByRole("button", { name: "Edit", exact: true }).click();
  const edit = page.getByRole("form", { name: "Edit description and tags" });
  await edit.getByLabel("Description").fill("logistic regression, 20 epochs");
  await edit.getByLabel(/Tags/).fill("nightly");
  await edit.getByRole("button", { name: "Save" }).click();
  await expect(page.getByTestId("version-description")).toHaveText("logistic regression, 20 epochs");
  await expect(page.getByTestId("version-tags")).toHaveText("nightly");
  const alias = page.getByRole("form", { name: "Set an alias" });
  await alias.getByLabel("Alias").fill("challenger");
  await alias.getByRole("button", { name: "Point at v1" }).click();
  await expect(page.getByTestId("version-aliases")).toContainText("challenger");

  // archive, then unarchive
  await page.getByRole("button", { name: "Archive", exact: true }).click();
  await expect(page.getByText(/it can no longer be routed or promoted/)).toBeVisible();
  await page.getByRole("button", { name: "Unarchive", exact: true }).click();
  await expect(page.getByRole("button", { name: "Archive", exact: true })).toBeVisible();
  await page.screenshot({ path: "test-results/version-console.png", fullPage: true });
});

test("compare three versions: metric deltas, params diff and lineage side by side", async ({ page }) => {
  const { model } = await createModel(page, "console-compare");
  const v1 = await uploadVersion(page, model, { auc: 0.71, logloss: 0.55 }, { lr: 0.1, depth: 4 });
  const v2 = await uploadVersion(page, model, { auc: 0.78, logloss: 0.5 }, { lr: 0.05, depth: 4 });
  const v3 = await uploadVersion(page, model, { auc: 0.75 }, { lr: 0.1, depth: 4, trees: 200 });

  await page.goto(page.url().replace(/\/versions\/\d+$/, ""));
  const table = page.getByTestId("versions-table");
  for (const n of [v1, v2, v3]) await table.getByLabel(`Compare v${n}`).check();
  await page.getByRole("button", { name: /^Compare v/ }).click();
  await expect(page).toHaveURL(new RegExp(`/models/${model}/compare\\?v=${v1}(,|%2C)${v2}(,|%2C)${v3}$`));

  const metrics = page.getByTestId("compare-metrics");
  const auc = metrics.getByRole("row", { name: /^auc/ });
  await expect(auc).toContainText("+0.07");
  await expect(auc).toContainText("+0.04");
  await expect(metrics.getByRole("row", { name: /^logloss/ })).toContainText("−0.05");
  const params = page.getByTestId("compare-params");
  await expect(params.getByRole("row", { name: /^lr/ })).toContainText("changed");
  await expect(params.getByRole("row", { name: /^trees/ })).toContainText("added");
  await expect(page.getByTestId("compare-signature")).toContainText(`v${v2} takes and gives the same tensors as v${v1}`);
  await expect(page.getByTestId("compare-lineage")).toContainText("Pushed by");
  await expect(page.getByText("None of these versions is routed by an endpoint now")).toBeVisible();
  await page.screenshot({ path: "test-results/compare.png", fullPage: true });
});

test("search and filter the models and versions lists; the URL keeps the filters", async ({ page }) => {
  const { team, model } = await createModel(page, "console-search");
  await uploadVersion(page, model, { auc: 0.7 }, {}, "baseline");
  const b = await uploadVersion(page, model, { auc: 0.8 }, {}, "nightly");
  const c = await uploadVersion(page, model, { auc: 0.9 }, {}, "nightly");

  // models: search by name
  await page.goto(`/t/${team}/models`);
  await page.getByRole("search").getByLabel("Search").fill(model);
  await page.getByRole("search").getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(new RegExp(`q=${model}`));
  await expect(page.getByTestId("models-table").locator("tbody").getByRole("link")).toHaveText([model]);
  await page.getByRole("search").getByLabel("Search").fill("no-model-is-called-this");
  await page.getByRole("search").getByRole("button", { name: "Apply" }).click();
  await expect(page.getByText("No model matches")).toBeVisible();

  // versions: metric filter, tag, sort by a metric column; a shared URL shows the same
  await page.goto(`/t/${team}/models/${model}`);
  const search = page.getByRole("search");
  await search.getByLabel("Metric filter").fill("auc > 0.75");
  await search.getByRole("button", { name: "Apply" }).click();
  const links = () => page.getByTestId("versions-table").getByRole("link", { name: /^v\d+$/ });
  await expect(links()).toHaveText([`v${c}`, `v${b}`]);
  await page.getByRole("link", { name: /^auc/ }).click(); // higher is better: best first
  await expect(page).toHaveURL(/sort=-metrics.auc/);
  await page.getByRole("link", { name: /^auc/ }).click();
  await expect(page).toHaveURL(/sort=metrics.auc/);
  await expect(links()).toHaveText([`v${b}`, `v${c}`]);
  const shared = page.url();
  await page.goto(shared);
  await expect(links()).toHaveText([`v${b}`, `v${c}`]);
  await expect(page.getByRole("search").getByLabel("Metric filter")).toHaveValue("auc > 0.75");

  await search.getByLabel("Metric filter").fill("");
  await search.getByLabel("Tag").fill("nightly");
  await search.getByRole("button", { name: "Apply" }).click();
  await expect(links()).toHaveText([`v${b}`, `v${c}`]);

  // a filter that is not one: said next to the field, in words
  await search.getByLabel("Metric filter").fill("auc >> 0.7");
  await search.getByRole("button", { name: "Apply" }).click();
  await expect(page.locator("#metric-error")).toContainText("is not a metric filter");
  await page.screenshot({ path: "test-results/versions-filtered.png", fullPage: true });
});
