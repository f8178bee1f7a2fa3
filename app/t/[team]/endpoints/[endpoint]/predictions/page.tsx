import { Suspense } from "react";
import { requireMember } from "@/lib/web/page-auth";
import { A, PageHeader } from "@/components/ui";
import { PredictionExplorer } from "@/components/prediction-explorer";

export default async function PredictionsPage({ params }: { params: Promise<{ team: string; endpoint: string }> }) {
  const { team, endpoint } = await params;
  await requireMember(team, "endpoint.read");
  return (
    <>
      <PageHeader
        title={<>Prediction log <span className="text-slate-500">·</span> {endpoint}</>}
        subtitle="Every request the endpoint answered, with its inputs, outputs and latency. Filter, open a row, or export what you filtered."
        actions={<A href={`/t/${team}/endpoints/${endpoint}`}>← Back to the endpoint</A>}
      />
      {/* the filters live in the URL (useSearchParams) */}
      <Suspense fallback={<p className="text-sm text-slate-500">Loading…</p>}>
        <PredictionExplorer team={team} endpoint={endpoint} />
      </Suspense>
    </>
  );
}
