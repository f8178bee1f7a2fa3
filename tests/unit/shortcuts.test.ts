// The console's keyboard shortcuts (lib/web/shortcuts.ts): `/` search, `g m` models, `g e` endpoints,
// never while typing. The component only feeds keys in and carries out the answer.
import { describe, expect, it } from "vitest";
import { isTyping, readShortcut } from "@/lib/web/shortcuts";
import { describeMissing } from "@/lib/web/url-params";

describe("readShortcut", () => {
  it("reads / as search, g m and g e as going to models and endpoints", () => {
    expect(readShortcut(["/"])).toEqual({ kind: "search" });
    expect(readShortcut(["g"])).toEqual({ kind: "wait" });
    expect(readShortcut(["g", "m"])).toEqual({ kind: "go", to: "models" });
    expect(readShortcut(["g", "e"])).toEqual({ kind: "go", to: "endpoints" });
  });

  it("reads anything else as no shortcut, so the next key starts afresh", () => {
    for (const keys of [["m"], ["e"], ["g", "x"], ["g", "g"], ["g", "M"], ["G", "m"], ["/", "g"], ["g", "m", "e"], []]) {
      expect(readShortcut(keys), keys.join(" ")).toEqual({ kind: "none" });
    }
  });
});

describe("isTyping", () => {
  it("treats text inputs, text areas, selects and editable content as typing", () => {
    for (const t of [{ tagName: "INPUT" }, { tagName: "INPUT", type: "search" }, { tagName: "INPUT", type: "password" }, { tagName: "TEXTAREA" }, { tagName: "SELECT" }, { tagName: "DIV", isContentEditable: true }]) {
      expect(isTyping(t), JSON.stringify(t)).toBe(true);
    }
  });

  it("lets shortcuts through from the page, buttons, links, checkboxes and radios", () => {
    for (const t of [null, { tagName: "BODY" }, { tagName: "BUTTON" }, { tagName: "A" }, { tagName: "INPUT", type: "checkbox" }, { tagName: "INPUT", type: "radio" }, { tagName: "INPUT", type: "submit" }]) {
      expect(isTyping(t), JSON.stringify(t)).toBe(false);
    }
  });
});

describe("describeMissing (the 404 page's words)", () => {
  it("names the kind of thing and its name from the address", () => {
    expect(describeMissing("/t/demo/models/nope").title).toBe('Model "nope" not found');
    expect(describeMissing("/t/demo/models/credit-risk/versions/99").title).toBe('Version 99 of "credit-risk" not found');
    expect(describeMissing("/t/demo/endpoints/gone/").title).toBe('Endpoint "gone" not found');
    expect(describeMissing("/t/demo/deployments/abc").title).toBe('Deployment "abc" not found');
    expect(describeMissing("/t/demo/promotions/abc").title).toBe('Promotion "abc" not found');
  });

  it("says page not found for any other address, and keeps long or encoded names short and readable", () => {
    expect(describeMissing("/t/demo/nothing-here").title).toBe("Page not found");
    expect(describeMissing("/elsewhere").title).toBe("Page not found");
    expect(describeMissing(`/t/demo/models/${"x".repeat(500)}`).title).toBe(`Model "${"x".repeat(80)}" not found`);
    expect(describeMissing("/t/demo/models/a%20b").title).toBe('Model "a b" not found');
    expect(describeMissing("/t/demo/models/%E0%A4%A").title).toBe('Model "%E0%A4%A" not found');
  });
});
