import { Nav } from "@/components/nav";
import { KeyboardShortcuts } from "@/components/keyboard-shortcuts";
import { requireMember, teamsOf } from "@/lib/web/page-auth";
import { allowed } from "@/lib/auth/policy";
import { getServices } from "@/lib/services";
import { listAwaitingDecision } from "@/lib/governance/awaiting-decision";

export const dynamic = "force-dynamic";

export default async function TeamLayout({ children, params }: { children: React.ReactNode; params: Promise<{ team: string }> }) {
  const { team } = await params;
  const me = await requireMember(team);
  const teams = await teamsOf(me.id);
  const waiting = await listAwaitingDecision({ db: getServices().db, principal: me });
  return (
    <>
      <Nav team={team} teams={teams} role={me.role} email={me.label} canManageTokens={allowed(me, "token.manage")} canManageMembers={allowed(me, "member.manage")} canReadDeadLetters={allowed(me, "deadletter.read")} canManageChannels={allowed(me, "channel.manage")} promotionsWaiting={waiting.length} />
      <KeyboardShortcuts team={team} />
      <main id="main" className="mx-auto max-w-6xl px-4 py-6">{children}</main>
    </>
  );
}
