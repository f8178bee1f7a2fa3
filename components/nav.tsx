import Link from "next/link";
import { TeamSwitcher } from "./team-switcher";
import { SignOutButton } from "./sign-out-button";
import type { Role } from "@/lib/auth/roles";

/** `role` is shown, never compared: what the links allow comes from the layout, which asks lib/auth/policy.ts. */
export function Nav({ team, teams, role, email, canManageTokens, canManageMembers, canReadDeadLetters = false, canManageChannels = false, promotionsWaiting = 0 }: { team: string; teams: { slug: string; name: string }[]; role: Role; email: string; canManageTokens: boolean; canManageMembers: boolean; canReadDeadLetters?: boolean; canManageChannels?: boolean; promotionsWaiting?: number }) {
  // `badge`: promotions this person could decide now (the layout counts them)
  const links: { href: string; label: string; badge?: number }[] = [
    { href: `/t/${team}/models`, label: "Models" },
    { href: `/t/${team}/endpoints`, label: "Endpoints" },
    { href: `/t/${team}/promotions`, label: "Promotions", badge: promotionsWaiting },
    { href: `/t/${team}/alerts`, label: "Alerts" },
    { href: `/t/${team}/audit`, label: "Audit" },
    ...(canManageTokens ? [{ href: `/t/${team}/tokens`, label: "API tokens" }] : []),
    ...(canManageMembers ? [{ href: `/t/${team}/members`, label: "Members" }] : []),
    ...(canReadDeadLetters ? [{ href: `/t/${team}/admin/dead-letters`, label: "Dead letters" }] : []),
    ...(canManageChannels ? [{ href: `/t/${team}/admin/channels`, label: "Notifications" }] : []),
  ];
  return (
    <header className="border-b border-slate-200 bg-white">
      <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-10 focus:rounded focus:bg-white focus:px-3 focus:py-2">Skip to content</a>
      <div className="mx-auto flex max-w-6xl flex-wrap items-center gap-x-6 gap-y-2 px-4 py-3">
        <Link href={`/t/${team}/models`} className="flex items-center gap-2 text-lg font-bold text-indigo-700">
          <img src="/logo.svg" alt="" width={24} height={24} />
          Switchyard
        </Link>
        <nav aria-label="Main" className="flex flex-wrap gap-4 text-sm font-medium text-slate-600">
          {links.map((l) => (
            <Link key={l.href} href={l.href} className="hover:text-indigo-700">
              {l.label}
              {l.badge ? <span data-testid="promotions-waiting" title={`${l.badge} waiting for your decision`} className="ml-1 rounded-full bg-amber-700 px-1.5 py-0.5 text-xs font-semibold text-white">{l.badge}</span> : null}
            </Link>
          ))}
        </nav>
        <div className="ml-auto flex items-center gap-3 text-sm">
          <TeamSwitcher current={team} teams={teams} />
          <Link href={`/t/${team}/profile`} className="hidden text-slate-500 hover:text-indigo-700 sm:inline" title={`Your profile (role: ${role})`}>{email} · {role}</Link>
          <SignOutButton />
        </div>
      </div>
    </header>
  );
}
