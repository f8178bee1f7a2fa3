// The explorer's pure parts: the opaque cursor and the page URL's filters.
import { describe, expect, it } from "vitest";
import { decodeCursor, encodeCursor } from "@/lib/serving/control/predictions/prediction-cursor";
import { microIso } from "@/lib/serving/shared/prediction-log/read-newest";
import { apiQuery, filtersFrom, urlOf } from "@/lib/web/prediction-filters";

describe("prediction-log cursor", () => {
  it("round-trips a position to the microsecond and is opaque text", () => {
    const at = { us: 1_764_495_600_123_456n, id: 9_007_199_254_740_993n };
    const c = encodeCursor(at);
    expect(c).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(c)).toEqual(at);
    expect(microIso(at.us)).toBe("2025-11-30T09:40:00.123456Z");
  });

  it("refuses anything it did not make, naming the cursor", () => {
    for (const bad of ["", "abc", Buffer.from("1.2.3").toString("base64url"), Buffer.from("-1.2").toString("base64url"), Buffer.from("999999999999999999.1").toString("base64url"), `${encodeCursor({ us: 1n, id: 1n })}=`]) {
      expect(() => decodeCursor(bad), bad).toThrow(expect.objectContaining({ code: "bad_request", field: "cursor" }));
    }
  });
});

describe("prediction explorer filters", () => {
  it("keeps the URL's filters and turns a relative range into from/to", () => {
    const f = filtersFrom(new URLSearchParams("range=15m&variant=v2&status=&feature=age&value=42&other=x"));
    expect(f).toEqual({ range: "15m", variant: "v2", feature: "age", value: "42" });
    expect(urlOf(f)).toBe("?range=15m&variant=v2&feature=age&value=42");
    const now = Date.parse("2026-01-01T12:00:00Z");
    expect(Object.fromEntries(apiQuery(f, undefined, now))).toEqual({ variant: "v2", feature: "age", value: "42", from: "2026-01-01T11:45:00.000Z", to: "2026-01-01T12:00:00.000Z" });
    // a later page keeps the first page's window
    expect(apiQuery(f, { from: "a", to: "b" }, now).get("from")).toBe("a");
    expect(Object.fromEntries(apiQuery({}, undefined, now))).toEqual({ from: "2026-01-01T11:00:00.000Z", to: "2026-01-01T12:00:00.000Z" });
  });
});
