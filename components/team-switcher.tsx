"use client";
import { useRouter } from "next/navigation";

export function TeamSwitcher({ current, teams }: { current: string; teams: { slug: string; name: string }[] }) {
  const router = useRouter();
  if (teams.length < 2) return <span className="rounded bg-slate-100 px-2 py-1 text-slate-700">{current}</span>;
  return (
    <select
      aria-label="Team"
      value={current}
      onChange={(e) => router.push(`/t/${e.target.value}/models`)}
      className="rounded-md border border-slate-300 bg-white px-2 py-1"
    >
      {teams.map((t) => (
        <option key={t.slug} value={t.slug}>{t.name}</option>
      ))}
    </select>
  );
}
