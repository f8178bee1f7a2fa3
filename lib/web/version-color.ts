// One colour per model version, the same on every page and every chart: a pure function of the model's
// name and the version number, never of the order in which versions happen to be listed.
//
// The model's name picks a starting hue (FNV-1a hash); each version turns it by the golden angle
// (137.5°), so consecutive versions of one model, the ones compared most often, are always far apart
// on the colour wheel. Saturation and lightness are fixed at values readable on white and on dark grey.

const GOLDEN_ANGLE = 137.50776;

function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** The hue (0–360) of a version: also what tests compare. */
export function versionHue(model: string, version: number): number {
  const base = (fnv1a(model) % 3600) / 10;
  return (((base + version * GOLDEN_ANGLE) % 360) + 360) % 360;
}

/** A CSS colour for `model` version `version`, e.g. `hsl(212 70% 45%)`. */
export function versionColor(model: string, version: number): string {
  return `hsl(${Math.round(versionHue(model, version))} 70% 45%)`;
}

/** The colour of a variant named `<model>-v<version>` (lib/serving/shared/routing.ts). */
export function variantColor(variant: string): string {
  const m = /^(.*)-v(\d+)$/.exec(variant);
  return m ? versionColor(m[1], Number(m[2])) : versionColor(variant, 0);
}
