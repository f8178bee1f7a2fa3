// Small pieces the promotion pages share: the status badge, what a promotion targets, and ages.
import { Badge } from "./ui";
import type { ResponseOf } from "@/lib/api/contract";
import type { listPromotions } from "@/lib/api/contracts/promotions";

export type PromotionRow = ResponseOf<typeof listPromotions>["promotions"][number];

const TONES: Record<string, "slate" | "indigo" | "green" | "amber" | "red"> = {
  checking: "slate", pending_approval: "amber", approved: "indigo", deploying: "indigo", deployed: "green",
  blocked: "red", rejected: "red", failed: "red", rolled_back: "amber", stale: "amber", expired: "slate", cancelled: "slate",
};

export function PromotionStatusBadge({ status }: { status: string }) {
  return <Badge tone={TONES[status] ?? "slate"}>{status.replaceAll("_", " ")}</Badge>;
}

type Target = Pick<PromotionRow, "kind" | "endpoint" | "model" | "alias">;

/** "endpoint credit-risk-prod" or "alias credit-risk@champion". */
export function targetLabel(p: Target): string {
  return p.kind === "traffic" ? `endpoint ${p.endpoint ?? "?"}` : `alias ${p.model ?? "?"}@${p.alias ?? "?"}`;
}

export function targetHref(team: string, p: Target): string {
  return p.kind === "traffic" ? `/t/${team}/endpoints/${p.endpoint}` : `/t/${team}/models/${p.model}`;
}

/** "5 min", "3 h", "2 d": how far `iso` is from `now`, either way. */
export function span(iso: string, now: number): string {
  const s = Math.abs(new Date(iso).getTime() - now) / 1000;
  if (s < 60) return `${Math.round(s)} s`;
  if (s < 3600) return `${Math.round(s / 60)} min`;
  if (s < 86400) return `${Math.round(s / 3600)} h`;
  return `${Math.round(s / 86400)} d`;
}

/** The person behind the request: for a token, the person who created it. */
export const requester = (p: Pick<PromotionRow, "requestedBy" | "onBehalfOf">) => (p.onBehalfOf ? `${p.onBehalfOf} (token ${p.requestedBy})` : p.requestedBy);
