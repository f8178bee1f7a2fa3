import { requireMember } from "@/lib/web/page-auth";
import { getServices } from "@/lib/services";
import { listModels } from "@/lib/registry/list-models";
import { A, Badge, Card, EmptyState, PageHeader, TableWrap, td, th, when } from "@/components/ui";

export default async function ModelsPage({ params }: { params: Promise<{ team: string }> }) {
  const { team } = await params;
  const me = await requireMember(team, "model.read");
  const models = await listModels({ db: getServices().db, teamId: me.teamId });
  return (
    <>
      <PageHeader title="Models" subtitle="Every model the team has registered, with its latest version and aliases." />
      {models.length === 0 ? (
        <EmptyState title="No models yet">
          Register one from CI with the <a className="underline" href="/cli/switchyard.mjs" download>Switchyard CLI</a> (one file, Node.js 20+):{" "}
          <code className="rounded bg-slate-100 px-1">node switchyard.mjs models create my-model</code>, then
          <code className="ml-1 rounded bg-slate-100 px-1">node switchyard.mjs versions push model.onnx --model my-model</code>.
        </EmptyState>
      ) : (
        <Card>
          <TableWrap>
            <table className="w-full">
              <thead>
                <tr><th className={th}>Model</th><th className={th}>Task</th><th className={th}>Latest</th><th className={th}>Aliases</th><th className={th}>Created</th></tr>
              </thead>
              <tbody>
                {models.map((m) => (
                  <tr key={m.name}>
                    <td className={td}><A href={`/t/${team}/models/${m.name}`}>{m.name}</A></td>
                    <td className={td}>{m.task}</td>
                    <td className={td}>{m.latestVersion ? `v${m.latestVersion}` : <span className="text-slate-500">no versions</span>}</td>
                    <td className={td}>
                      <div className="flex gap-1">{Object.entries(m.aliases).map(([a, v]) => <Badge key={a} tone="indigo">{a} → v{v}</Badge>)}</div>
                    </td>
                    <td className={td}>{when(m.createdAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
        </Card>
      )}
    </>
  );
}
