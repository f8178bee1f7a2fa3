import { EmptyState } from "@/components/ui";

export default async function Forbidden({ searchParams }: { searchParams: Promise<{ need?: string }> }) {
  const { need } = await searchParams;
  return <EmptyState title="You do not have access to this page">{need ? `It needs the ${need} role. Ask a team admin.` : null}</EmptyState>;
}
