import { Badge } from "./ui";

const TONES: Record<string, "slate" | "indigo" | "green" | "amber" | "red"> = {
  pending: "slate", running: "indigo", succeeded: "green", failed: "red", rolled_back: "amber", done: "green",
};

export function StatusBadge({ status }: { status: string }) {
  return <Badge tone={TONES[status] ?? "slate"}>{status.replace("_", " ")}</Badge>;
}
