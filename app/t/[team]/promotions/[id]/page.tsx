import { notFound } from "next/navigation";
import { requireMember } from "@/lib/web/page-auth";
import { idOr404 } from "@/lib/web/url-params";
import { getServices } from "@/lib/services";
import { allowed } from "@/lib/auth/policy";
import { AppError } from "@/lib/errors";
import { getPromotion } from "@/lib/governance/get-promotion";
import { decisionRightsFor } from "@/lib/governance/awaiting-decision";
import { PromotionPanel } from "@/components/promotion-panel";
import { PromotionEvidence } from "@/components/promotion-evidence";

export default async function PromotionPage({ params }: { params: Promise<{ team: string; id: string }> }) {
  const { team, id } = await params;
  const me = await requireMember(team, "promotion.read");
  const { db } = getServices();
  const p = await getPromotion({ db, teamId: me.teamId, id: idOr404(id) }).catch((err) => {
    if (err instanceof AppError && err.code === "not_found") notFound();
    throw err;
  });
  const rights = await decisionRightsFor({ db, principal: me, promotionId: p.id });
  const row = await db.promotion.findUniqueOrThrow({ where: { id: p.id }, select: { requestedById: true } });
  // the same test cancel-promotion.ts makes: the person, their token, or the person whose token asked
  const mine = row.requestedById === me.id || p.onBehalfOf === me.label;
  return (
    <PromotionPanel team={team} initial={p} rights={rights} mine={mine} canCancel={allowed(me, "promotion.cancel")}>
      <PromotionEvidence team={team} evidence={p.evidence} />
    </PromotionPanel>
  );
}
