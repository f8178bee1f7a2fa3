// What the processes of a clustered gateway (node:cluster) say to each other over IPC. They share
// nothing else: each loads the routing table and the worker heartbeats itself.
import type { Registry } from "prom-client";

/** one registry's metrics as `getMetricsAsJSON` gives them (what AggregatorRegistry.aggregate takes) */
export type ProcessMetrics = Awaited<ReturnType<Registry["getMetricsAsJSON"]>>;

/** worker → primary: GET /metrics arrived here; send me the whole gateway's text */
export type AskMetrics = { type: "switchyard-gateway:ask-metrics"; id: number };
/** primary → worker: the answer to an AskMetrics */
export type AnswerMetrics = { type: "switchyard-gateway:answer-metrics"; id: number; text?: string; error?: string };
/** primary → worker: send me your registry (as JSON) */
export type CollectMetrics = { type: "switchyard-gateway:collect-metrics"; id: number };
/** worker → primary: the answer to a CollectMetrics */
export type CollectedMetrics = { type: "switchyard-gateway:collected-metrics"; id: number; metrics: ProcessMetrics };

export type GatewayMessage = AskMetrics | AnswerMetrics | CollectMetrics | CollectedMetrics;

export function isGatewayMessage<T extends GatewayMessage["type"]>(m: unknown, type: T): m is Extract<GatewayMessage, { type: T }> {
  return typeof m === "object" && m !== null && (m as { type?: unknown }).type === type;
}
