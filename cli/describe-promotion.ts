/** One line on a promotion: its id, status and what it waits for. */
export function describePromotion(p: { id: string; status: string; statusReason: string | null; requiredApprovals: number; approvals: { voided: boolean; decision: string }[] }): string {
  const approvals = p.approvals.filter((a) => !a.voided && a.decision === "approve").length;
  const why = p.status === "pending_approval" ? `: ${approvals} of ${p.requiredApprovals} approval(s)` : p.statusReason ? `: ${p.statusReason}` : "";
  return `promotion ${p.id} ${p.status}${why}`;
}
