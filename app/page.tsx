import { redirect } from "next/navigation";
import { CHANGE_PASSWORD_PAGE, currentUserId, mustChangePassword, teamsOf } from "@/lib/web/page-auth";

export const dynamic = "force-dynamic";

export default async function Home() {
  const userId = await currentUserId();
  if (!userId) redirect("/signin");
  if (await mustChangePassword(userId)) redirect(CHANGE_PASSWORD_PAGE);
  const teams = await teamsOf(userId);
  if (!teams.length) redirect("/signin?error=NoTeam");
  redirect(`/t/${teams[0].slug}/models`);
}
