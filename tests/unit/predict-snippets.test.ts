// The endpoint page's copy-paste requests: built from the serving version's signature, with the
// reference profile's typical values, the key header when the endpoint needs one, and bodies the
// gateway takes (checked here by parsing them back the way the gateway does).
import { describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { buildSnippets, shellQuote } from "@/lib/web/predict-snippets";
import { fromInstances, fromOip, validateFeeds } from "@/lib/serving/shared/tensors";
import { buildProfile } from "@/lib/drift/build-profile";
import { creditSignature } from "./fixtures";

const gatewayUrl = "http://gw.example:8080/";
const profile = buildProfile({ age: [20, 30, 40, 50], purpose: ["car", "tv", "car", "it's mine"] });

/** The JSON body of a curl snippet (the shell's single-quoted -d argument, unquoted as a shell would). */
function curlBody(code: string): unknown {
  const arg = /-d ('(?:[^']|'\\'')*')$/.exec(code)![1];
  return JSON.parse(execFileSync("sh", ["-c", `printf %s ${arg}`], { encoding: "utf8" }));
}

describe("buildSnippets", () => {
  it("gives curl and Python for both protocols, with the profile's typical values, that the gateway accepts", () => {
    const { snippets } = buildSnippets({ gatewayUrl, endpoint: "credit-risk", signature: creditSignature, profile, requireKey: false });
    expect(snippets.map((s) => `${s.protocol}/${s.language}`)).toEqual(["instances/curl", "instances/python", "v2/curl", "v2/python"]);
    const [v1curl, v1py, v2curl, v2py] = snippets;
    expect(v1curl.url).toBe("http://gw.example:8080/v1/endpoints/credit-risk/predict");
    expect(v2curl.url).toBe("http://gw.example:8080/v2/models/credit-risk/infer");
    const v1 = curlBody(v1curl.code);
    expect(v1).toEqual({ instances: [{ age: 35, purpose: "car" }] });
    expect(validateFeeds(fromInstances(v1, creditSignature), creditSignature).rows).toBe(1);
    const v2 = curlBody(v2curl.code);
    expect(validateFeeds(fromOip(v2, creditSignature), creditSignature).rows).toBe(1);
    expect(v2).toEqual({ inputs: [{ name: "age", shape: [1, 1], datatype: "FP32", data: [35] }, { name: "purpose", shape: [1, 1], datatype: "BYTES", data: ["car"] }] });
    expect(v1py.code).toContain("r = requests.post(url, json=body, headers=headers, timeout=30)");
    expect(v2py.code).toContain('"datatype": "BYTES"');
    expect(v1py.code).not.toContain("Authorization");
  });

  it("sends the endpoint key from the environment and the sticky header when the endpoint has them", () => {
    const { snippets, notes } = buildSnippets({ gatewayUrl, endpoint: "prod", signature: creditSignature, requireKey: true, sticky: { header: "x-user-id" } });
    const [curl, py] = snippets;
    expect(curl.code).toContain('-H "Authorization: Bearer $SWITCHYARD_ENDPOINT_KEY"');
    expect(curl.code).toContain("-H 'x-user-id: user-1'");
    expect(py.code).toMatch(/^import os\nimport requests/);
    expect(py.code).toContain('headers = {"Authorization": "Bearer " + os.environ["SWITCHYARD_ENDPOINT_KEY"], "x-user-id": "user-1"}');
    expect(notes.join(" ")).toMatch(/endpoint key/);
  });

  it("uses zeros and empty strings without a profile, and quotes a value holding a single quote for the shell", () => {
    const none = buildSnippets({ gatewayUrl, endpoint: "e", signature: creditSignature, requireKey: false }).snippets[0];
    expect(curlBody(none.code)).toEqual({ instances: [{ age: 0, purpose: "" }] });
    const quoted = buildSnippets({ gatewayUrl, endpoint: "e", signature: creditSignature, profile: { age: { kind: "numeric", mean: 1 }, purpose: { kind: "categorical", frequencies: { "it's": 5 } } }, requireKey: false }).snippets[0];
    expect(curlBody(quoted.code)).toEqual({ instances: [{ age: 1, purpose: "it's" }] });
    expect(shellQuote("a'b")).toBe(`'a'\\''b'`);
  });

  it("offers only v2 for a model whose inputs are not columns, and keeps a large tensor out of the curl line", () => {
    const image = { inputs: [{ name: "pixels", type: "float32", shape: ["N", 3, 32, 32] }], outputs: [{ name: "p", type: "float32", shape: ["N", 10] }] };
    const { snippets, notes } = buildSnippets({ gatewayUrl, endpoint: "img", signature: image, requireKey: false });
    expect(snippets.map((s) => `${s.protocol}/${s.language}`)).toEqual(["v2/curl", "v2/python"]);
    expect(snippets[0].code).toMatch(/-d @request\.json$/);
    expect(snippets[1].code).toContain('"data": [0] * 3072');
    expect(notes.join(" ")).toMatch(/not: use Open Inference Protocol v2/);
  });
});
