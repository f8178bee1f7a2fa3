// The gateway's own OpenAPI 3.1 document (the data plane; the control plane's is /api/v1/openapi.json on
// the web app). Written out by hand: the gateway validates requests against each model's signature, not
// with zod. Built once when the gateway starts and served as it is at GET /openapi.json.
import { MAX_ROWS, OIP_TO_ORT } from "../../shared/tensors";
import { DEVICES, ROLES } from "../../shared/routing";

const schema = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (name: string, description: string) => ({ description, content: { "application/json": { schema: schema(name) } } });
const error = (name: string) => ({ $ref: `#/components/responses/${name}` });

const endpointParam = {
  name: "endpoint",
  in: "path",
  required: true,
  description: "the endpoint's name, as created in the control plane",
  schema: { type: "string", minLength: 1 },
};
const requestIdParam = {
  name: "x-request-id",
  in: "header",
  required: false,
  description: "your id for this request (first 100 characters kept); echoed back and logged. A new UUID when absent",
  schema: { type: "string" },
};
const variantParam = {
  name: "x-switchyard-variant",
  in: "header",
  required: false,
  description: "force a variant by name or version number (debugging); 400 when the endpoint has no such variant",
  schema: { type: "string" },
};
const answerHeaders = {
  "x-request-id": { description: "the request's id", schema: { type: "string" } },
  "x-switchyard-version": { description: "the model version that answered", schema: { type: "string" } },
  "x-switchyard-variant": { description: "the variant that answered", schema: { type: "string" } },
};
const keyErrors = { "401": error("Unauthorized"), "403": error("Forbidden"), "429": error("RateLimited") };
const inferErrors = {
  "400": error("BadRequest"),
  ...keyErrors,
  "413": error("TooLarge"),
  "503": error("Unavailable"),
  default: error("Error"),
};
/** An endpoint key when the endpoint asks for one (production endpoints by default), nothing otherwise. */
const endpointKeySecurity = [{ endpointKey: [] }, {}];
const STICKY =
  "Traffic is split between the endpoint's variants by weight; an endpoint with a sticky header (or field) keeps one key on one variant while the weights stay the same. Shadow variants get a copy after the answer is sent.";

const scalar = { type: ["number", "string"] };

export function gatewayOpenApi(version: string) {
  return {
    openapi: "3.1.0",
    info: {
      title: "Switchyard gateway (data plane)",
      version,
      description:
        'Predictions from the models deployed on Switchyard endpoints, in two forms: the Open Inference Protocol v2 and a convenience form for tabular models. Every error is {"error":{"code","message"}} (the Error schema). The control plane\'s API is described by /api/v1/openapi.json on the web app.',
    },
    servers: [{ url: "/", description: "the gateway that serves this document" }],
    tags: [
      { name: "inference", description: "predictions" },
      { name: "health", description: "liveness, readiness and metrics" },
    ],
    paths: {
      "/v2/models/{endpoint}/infer": {
        post: {
          operationId: "infer",
          tags: ["inference"],
          summary: "Predict with the Open Inference Protocol v2",
          description: `Every input of the model, by name, with its shape, datatype and data (row-major; nested lists are flattened). The first dimension is the batch, at most ${MAX_ROWS} rows. ${STICKY}`,
          parameters: [endpointParam, requestIdParam, variantParam],
          security: endpointKeySecurity,
          requestBody: { required: true, content: { "application/json": { schema: schema("InferRequest") } } },
          responses: { "200": { ...json("InferResponse", "the outputs of the version that answered"), headers: answerHeaders }, ...inferErrors },
        },
      },
      "/v1/endpoints/{endpoint}/predict": {
        post: {
          operationId: "predict",
          tags: ["inference"],
          summary: "Predict from feature rows (tabular models)",
          description: `Each instance names a value for every model input (each a [N,1] column); at most ${MAX_ROWS} instances. The answer has one prediction per instance: the first output's value, or its row when the output has several columns. ${STICKY}`,
          parameters: [endpointParam, requestIdParam, variantParam],
          security: endpointKeySecurity,
          requestBody: { required: true, content: { "application/json": { schema: schema("PredictRequest") } } },
          responses: { "200": { ...json("PredictResponse", "one prediction per instance"), headers: answerHeaders }, ...inferErrors },
        },
      },
      "/v2/models/{endpoint}": {
        get: {
          operationId: "modelMetadata",
          tags: ["inference"],
          summary: "The endpoint's model metadata: inputs and outputs of the serving version, variants and their readiness",
          parameters: [endpointParam],
          security: endpointKeySecurity,
          responses: { "200": json("ModelMetadata", "metadata"), ...keyErrors, "404": error("NotFound"), default: error("Error") },
        },
      },
      "/v2/models/{endpoint}/ready": {
        get: {
          operationId: "modelReady",
          tags: ["health"],
          summary: "Whether every serving variant of the endpoint has a ready replica",
          parameters: [endpointParam],
          security: endpointKeySecurity,
          responses: { "200": json("ModelReady", "ready"), "503": json("ModelReady", "not ready"), ...keyErrors, "404": error("NotFound"), default: error("Error") },
        },
      },
      "/v2/health/live": {
        get: {
          operationId: "live",
          tags: ["health"],
          summary: "The gateway process is up, and need not be restarted",
          responses: { "200": json("Live", "live"), "503": json("Live", "up, but to be restarted (reason says why)") },
        },
      },
      "/healthz": {
        get: {
          operationId: "healthz",
          tags: ["health"],
          summary: "Same as /v2/health/live (every Switchyard process answers /healthz)",
          responses: { "200": json("Live", "live"), "503": json("Live", "up, but to be restarted (reason says why)") },
        },
      },
      "/v2/health/ready": {
        get: {
          operationId: "ready",
          tags: ["health"],
          summary: "The routing table is loaded",
          responses: { "200": json("Ready", "ready"), "503": json("Ready", "routing table not loaded yet") },
        },
      },
      "/metrics": {
        get: {
          operationId: "metrics",
          tags: ["health"],
          summary: "Prometheus metrics: requests by endpoint, variant and status, latency histogram, refused keys and forged worker heartbeats, process metrics",
          security: [{ metricsToken: [] }, {}],
          responses: { "200": { description: "Prometheus text format", content: { "text/plain": { schema: { type: "string" } } } }, "401": error("Unauthorized") },
        },
      },
      "/openapi.json": {
        get: {
          operationId: "openapi",
          tags: ["health"],
          summary: "This document",
          responses: { "200": { description: "OpenAPI 3.1", content: { "application/json": { schema: { type: "object" } } } } },
        },
      },
    },
    components: {
      schemas: {
        Error: {
          type: "object",
          required: ["error"],
          properties: {
            error: {
              type: "object",
              required: ["code", "message"],
              properties: {
                code: { type: "string", examples: ["bad_request", "not_found", "payload_too_large", "unavailable", "internal"] },
                message: { type: "string", description: "what is wrong, naming the input (name, datatype, shape, value)" },
              },
            },
          },
        },
        Datatype: { type: "string", enum: Object.keys(OIP_TO_ORT), description: "Open Inference Protocol datatype; it must match the model's input type" },
        TensorData: {
          type: "array",
          description: "values in row-major order; nested lists are accepted and flattened",
          items: { anyOf: [scalar, schema("TensorData")] },
        },
        InferInput: {
          type: "object",
          required: ["name", "shape", "datatype", "data"],
          properties: {
            name: { type: "string", description: "a model input's name" },
            shape: { type: "array", items: { type: "integer", minimum: 0 }, description: "the first dimension is the batch" },
            datatype: schema("Datatype"),
            data: schema("TensorData"),
          },
        },
        InferRequest: {
          type: "object",
          required: ["inputs"],
          properties: {
            id: { type: "string", description: "echoed back as the answer's id" },
            inputs: { type: "array", minItems: 1, items: schema("InferInput") },
          },
        },
        InferOutput: {
          type: "object",
          required: ["name", "shape", "datatype", "data"],
          properties: {
            name: { type: "string" },
            shape: { type: "array", items: { type: "integer", minimum: 0 } },
            datatype: { type: "string" },
            data: { type: "array", items: scalar, description: "row-major" },
          },
        },
        InferResponse: {
          type: "object",
          required: ["model_name", "model_version", "id", "outputs"],
          properties: {
            model_name: { type: "string", description: "the endpoint" },
            model_version: { type: "string", description: "the model version that answered" },
            id: { type: "string", description: "the request's id, or the x-request-id" },
            outputs: { type: "array", items: schema("InferOutput") },
          },
        },
        PredictRequest: {
          type: "object",
          required: ["instances"],
          properties: {
            instances: {
              type: "array",
              minItems: 1,
              maxItems: MAX_ROWS,
              items: { type: "object", additionalProperties: scalar, description: "one value per model input: {feature: value, …}" },
            },
          },
        },
        PredictResponse: {
          type: "object",
          required: ["predictions", "model_version", "variant", "id"],
          properties: {
            predictions: { type: "array", items: { anyOf: [scalar, { type: "array", items: scalar }] } },
            model_version: { type: "integer", description: "the model version that answered" },
            variant: { type: "string", description: "the variant that answered" },
            id: { type: "string", description: "the request's id" },
          },
        },
        TensorMetadata: {
          type: "object",
          required: ["name", "datatype", "shape"],
          properties: { name: { type: "string" }, datatype: { type: "string" }, shape: { type: "array", items: { type: "integer" }, description: "-1 for a dynamic dimension" } },
        },
        ModelMetadata: {
          type: "object",
          required: ["name", "versions", "platform", "inputs", "outputs", "variants"],
          properties: {
            name: { type: "string" },
            versions: { type: "array", items: { type: "string" }, description: "versions taking live traffic" },
            platform: { type: "string", const: "onnxruntime" },
            inputs: { type: "array", items: schema("TensorMetadata") },
            outputs: { type: "array", items: schema("TensorMetadata") },
            variants: {
              type: "array",
              items: {
                type: "object",
                required: ["name", "version", "weight", "role", "device", "ready"],
                properties: {
                  name: { type: "string" },
                  version: { type: "integer" },
                  weight: { type: "number" },
                  role: { type: "string", enum: [...ROLES] },
                  device: { type: "string", enum: [...DEVICES] },
                  ready: { type: "boolean" },
                },
              },
            },
          },
        },
        ModelReady: { type: "object", required: ["name", "ready"], properties: { name: { type: "string" }, ready: { type: "boolean" } } },
        Live: {
          type: "object",
          required: ["live", "predictionBuffer"],
          properties: {
            live: { type: "boolean", description: "false: this process must be restarted (a lone process whose inline threads are all stuck)" },
            reason: { type: "string", description: "why it must be restarted (only when live is false)" },
            predictionBuffer: { type: "integer", description: "prediction records waiting for Redis in the process that answered" },
            processes: { type: "integer", description: "gateway processes this gateway runs (GATEWAY_PROCESSES)" },
            pid: { type: "integer", description: "the process that answered" },
          },
        },
        Ready: { type: "object", required: ["ready"], properties: { ready: { type: "boolean" } } },
      },
      securitySchemes: {
        endpointKey: { type: "http", scheme: "bearer", description: "an endpoint key (sk_…), made in the control plane for this endpoint; needed when the endpoint asks for one" },
        metricsToken: { type: "http", scheme: "bearer", description: "GATEWAY_METRICS_TOKEN, when the gateway has one (always in production)" },
      },
      responses: {
        BadRequest: json("Error", "Bad input: not JSON, nested deeper than 32 levels, a wrong input name, datatype, shape or value, or an unknown forced variant"),
        Unauthorized: json("Error", "No endpoint key where the endpoint asks for one, or an unknown or revoked key (or, on /metrics, no or a wrong metrics token)"),
        Forbidden: json("Error", "An endpoint key of another endpoint"),
        RateLimited: json("Error", "The key is over its rate (GATEWAY_KEY_RATE_PER_SECOND); Retry-After says when to try again"),
        NotFound: json("Error", "The routing table is not loaded yet. An unknown endpoint is answered like a key-protected one the request holds no key of (401, or 403 for another endpoint's key), so its existence is not revealed"),
        TooLarge: json("Error", "The body is over GATEWAY_MAX_BODY_BYTES"),
        Unavailable: json("Error", "No ready replica, no serving variant, or the routing table is not loaded yet"),
        Error: json("Error", "Any other error (500)"),
      },
    },
  };
}
