import { requireMember } from "@/lib/web/page-auth";
import { allowed } from "@/lib/auth/policy";
import { getServices } from "@/lib/services";
import { listModels } from "@/lib/registry/list-models";
import { MODEL_SORTS, type ModelSort } from "@/lib/registry/list-sorts";
import { AppError } from "@/lib/errors";
import { hrefWith, param, toggledSort, type SearchParams } from "@/lib/web/list-query";
import { A, Badge, Card, EmptyState, PageHeader, TableWrap, td, th, when } from "@/components/ui";
import { ListSearch, Pager, SortHeader, sortDir } from "@/components/list-search";
import { CreateModelForm } from "@/components/create-model-form";

export default async function ModelsPage({ params, searchParams }: { params: Promise<{ team: string }>; searchParams: Promise<SearchParams> }) {
  const { team } = await params;
  const sp = await searchParams;
  const me = await requireMember(team, "model.read");
  const state = { q: param(sp, "q"), tag: param(sp, "tag"), sort: param(sp, "sort") };
  const sort: ModelSort = (MODEL_SORTS as readonly string[]).includes(state.sort ?? "") ? (state.sort as ModelSort) : "name";
  const cursor = param(sp, "cursor");
  const base = `/t/${team}/models`;
  let cursorError: string | null = null;
  const page = await listModels({ db: getServices().db, teamId: me.teamId, q: state.q?.slice(0, 100), tag: state.tag?.slice(0, 64), sort, cursor, limit: 50 }).catch((err) => {
    if (!(err instanceof AppError && err.field === "cursor")) throw err;
    cursorError = err.message;
    return { models: [], nextCursor: null };
  });
  const filtered = Boolean(state.q || state.tag);
  const canCreate = allowed(me, "model.create");
  const header = (field: string, label: string) => <SortHeader label={label} dir={sortDir(sort, field)} href={hrefWith(base, { ...state, sort: toggledSort(sort, field, field === "createdAt") })} />;
  return (
    <>
      <PageHeader title="Models" subtitle="Every model the team has registered, with its latest version and aliases." actions={canCreate ? <CreateModelForm team={team} open={param(sp, "new") === "1"} openHref={hrefWith(base, { ...state, new: "1" })} closeHref={hrefWith(base, state)} /> : undefined} />
      <ListSearch action={base} keep={{ sort: state.sort }} fields={[
        { name: "q", label: "Search", value: state.q, placeholder: "name or description", wide: true },
        { name: "tag", label: "Version tag", value: state.tag, placeholder: "nightly" },
      ]} />
      {cursorError && <p role="alert" className="mb-3 text-sm text-red-700">{cursorError} <A href={hrefWith(base, state)}>Start again</A></p>}
      {page.models.length === 0 && !filtered && !cursor ? (
        <EmptyState title="No models yet">
          Create one with <b>New model</b> above, or from CI with the <a className="underline" href="/cli/switchyard.mjs" download>Switchyard CLI</a> (one file, Node.js 20+):{" "}
          <code className="rounded bg-slate-100 px-1">node switchyard.mjs models create my-model</code>, then
          <code className="ml-1 rounded bg-slate-100 px-1">node switchyard.mjs versions push model.onnx --model my-model</code>.
        </EmptyState>
      ) : page.models.length === 0 ? (
        <EmptyState title="No model matches">Change the search or the tag, or <A href={base}>show every model</A>.</EmptyState>
      ) : (
        <Card>
          <TableWrap>
            <table className="w-full" data-testid="models-table">
              <thead>
                <tr>{header("name", "Model")}<th className={th}>Task</th><th className={th}>Latest</th><th className={th}>Aliases</th>{header("createdAt", "Created")}</tr>
              </thead>
              <tbody>
                {page.models.map((m) => (
                  <tr key={m.name}>
                    <td className={td}>
                      <A href={`/t/${team}/models/${m.name}`}>{m.name}</A>
                      {m.description && <div className="max-w-xs truncate text-xs text-slate-500">{m.description}</div>}
                    </td>
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
          <Pager first={cursor ? hrefWith(base, state) : null} next={page.nextCursor ? hrefWith(base, state, { cursor: page.nextCursor }) : null} />
        </Card>
      )}
    </>
  );
}
