"use client";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { apiFetch, ApiFetchError } from "@/lib/web/api-fetch";
import { Card, ErrorBox } from "./ui";
import type { PromotionDetail } from "./promotion-panel";

export type Rights = { approve: boolean; reject: boolean };
type Verb = "approve" | "reject" | "cancel";

const CANCELLABLE = new Set(["checking", "pending_approval", "approved"]);
const DONE: Record<Verb, string> = { approve: "approved", reject: "rejected", cancel: "cancelled" };

/** The refusal in words: what the API said, and whether it is about who you are (403) or the promotion's state (409). */
function refusal(err: Error): string {
  if (!(err instanceof ApiFetchError)) return err.message;
  if (err.status === 403) return `Not allowed: ${err.message}`;
  if (err.status === 409) return `Not possible now: ${err.message}`;
  return err.message;
}

/** Approve / Reject with a comment (people the policy lets decide), Cancel (the requester, before it deploys). */
export function PromotionActions({ team, promotion, rights, mine, canCancel, queryKey }: { team: string; promotion: PromotionDetail; rights: Rights; mine: boolean; canCancel: boolean; queryKey: unknown[] }) {
  const qc = useQueryClient();
  const router = useRouter();
  const [comment, setComment] = useState("");
  const [done, setDone] = useState<Verb | null>(null);
  const act = useMutation({
    mutationFn: (verb: Verb) => apiFetch<PromotionDetail>(team, `/api/v1/promotions/${promotion.id}/${verb}`, { method: "POST", body: comment.trim() ? { comment: comment.trim() } : {} }),
    onSuccess: (p, verb) => {
      qc.setQueryData(queryKey, p);
      setDone(verb);
      setComment("");
      // the navigation's count and this page's rights come from the server
      router.refresh();
    },
  });
  const pending = promotion.status === "pending_approval";
  const decide = pending && !done && (rights.approve || rights.reject);
  const cancel = mine && canCancel && !done && CANCELLABLE.has(promotion.status);

  return (
    <Card title="Decision">
      {done ? (
        <p className="text-sm" role="status">You {DONE[done]} this promotion.</p>
      ) : decide || cancel ? (
        <form className="space-y-3" onSubmit={(e) => e.preventDefault()}>
          <label className="block text-sm font-medium">Comment
            <textarea value={comment} onChange={(e) => setComment(e.target.value)} maxLength={2000} rows={3}
              placeholder={decide ? "What you checked, or why not" : "Why you cancel it"} className="mt-1 block w-full rounded-md border border-slate-300 px-3 py-1.5 text-sm font-normal" />
          </label>
          <div className="flex flex-wrap items-center gap-3">
            {decide && rights.approve && <button type="button" disabled={act.isPending} onClick={() => act.mutate("approve")} className="rounded-md bg-green-700 px-3 py-1.5 text-sm font-medium text-white disabled:opacity-50">Approve</button>}
            {decide && rights.reject && <button type="button" disabled={act.isPending} onClick={() => act.mutate("reject")} className="rounded-md bg-red-700 px-3 py-1.5 text-sm font-medium text-white disabled:opacity-50">Reject</button>}
            {cancel && <button type="button" disabled={act.isPending} onClick={() => act.mutate("cancel")} className="rounded-md border border-slate-300 px-3 py-1.5 text-sm font-medium disabled:opacity-50">Cancel promotion</button>}
            {act.error && <div className="min-w-0 flex-1"><ErrorBox message={refusal(act.error)} /></div>}
          </div>
        </form>
      ) : (
        <p className="text-sm text-slate-500" data-testid="no-decision">{explain(promotion, mine)}</p>
      )}
    </Card>
  );
}

function explain(p: PromotionDetail, mine: boolean): string {
  if (p.status !== "pending_approval") return `Nothing to decide: the promotion is ${p.status.replaceAll("_", " ")}.`;
  if (mine) return "You requested this promotion; someone else approves it.";
  return "You cannot decide on this promotion: it needs a person with the role the release policy names, who has not decided yet.";
}
