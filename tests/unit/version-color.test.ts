// A version's colour is the same wherever it is drawn, and versions compared side by side are told apart.
import { describe, expect, it } from "vitest";
import { variantColor, versionColor, versionHue } from "@/lib/web/version-color";

const hueDistance = (a: number, b: number) => Math.min(Math.abs(a - b), 360 - Math.abs(a - b));

describe("versionColor", () => {
  it("is a function of model and version only: same input, same colour, in any order of asking", () => {
    const first = ["credit", "fraud", "churn"].flatMap((m) => [1, 2, 3].map((v) => versionColor(m, v)));
    const again = ["churn", "fraud", "credit"].reverse().flatMap((m) => [1, 2, 3].map((v) => versionColor(m, v)));
    expect(again).toEqual(first);
    expect(versionColor("credit", 7)).toMatch(/^hsl\(\d{1,3} 70% 45%\)$/);
  });

  it("keeps consecutive versions of a model far apart on the colour wheel", () => {
    for (const model of ["credit", "fraud-detector", "a"]) {
      for (let v = 1; v < 50; v++) expect(hueDistance(versionHue(model, v), versionHue(model, v + 1)), `${model} v${v}`).toBeGreaterThan(100);
      // any four versions in a row (a compare view) stay at least 30° apart from each other
      for (let v = 1; v < 50; v++) {
        const hues = [0, 1, 2, 3].map((k) => versionHue(model, v + k));
        for (let i = 0; i < 4; i++) for (let j = i + 1; j < 4; j++) expect(hueDistance(hues[i], hues[j])).toBeGreaterThan(30);
      }
    }
  });

  it("gives the same version of different models different colours", () => {
    expect(versionColor("credit", 1)).not.toBe(versionColor("fraud", 1));
  });

  it("reads a variant's name as its model and version", () => {
    expect(variantColor("credit-v3")).toBe(versionColor("credit", 3));
    expect(variantColor("my-model-v12")).toBe(versionColor("my-model", 12));
    expect(variantColor("odd")).toBe(versionColor("odd", 0));
  });
});
