/**
 * The OpenTelemetry semantic conventions' advisory buckets for `http.server.request.duration`
 * (seconds), so the gateway's latency histogram lines up with OTel-instrumented services.
 */
export const OTEL_HTTP_DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];
