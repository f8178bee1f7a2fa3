import { requireMember } from "@/lib/web/page-auth";
import { getServices } from "@/lib/services";
import { getProfile } from "@/lib/auth/get-profile";
import { Badge, Card, PageHeader } from "@/components/ui";
import { ProfileNameForm } from "@/components/profile-form";
import { ChangePasswordForm } from "@/components/change-password-form";

export const metadata = { title: "Profile · Switchyard" };

export default async function ProfilePage({ params }: { params: Promise<{ team: string }> }) {
  const { team } = await params;
  const me = await requireMember(team);
  const profile = await getProfile({ db: getServices().db, principal: me });
  const row = "grid grid-cols-[10rem_1fr] gap-2 py-2 text-sm";
  return (
    <>
      <PageHeader title="Your profile" subtitle="How you appear in this team. Your email, role and Slack id are set by the team's admins." />
      <div className="grid gap-6 lg:grid-cols-2">
        <Card title="Account">
          <ProfileNameForm team={team} name={profile.name} />
          <dl className="mt-4 divide-y divide-slate-100">
            <div className={row}><dt className="text-slate-500">Email</dt><dd data-testid="profile-email">{profile.email}</dd></div>
            <div className={row}><dt className="text-slate-500">Role in {profile.team}</dt><dd><Badge tone="indigo">{profile.role}</Badge></dd></div>
            <div className={row}>
              <dt className="text-slate-500">Slack user id</dt>
              <dd>{profile.slackUserId ? <code className="font-mono">{profile.slackUserId}</code> : <span className="text-slate-500">not linked; an admin links it on the Members page</span>}</dd>
            </div>
          </dl>
        </Card>
        <Card title="Change password">
          <ChangePasswordForm then="stay" />
        </Card>
      </div>
    </>
  );
}
