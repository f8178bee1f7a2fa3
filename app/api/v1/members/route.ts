import { route } from "@/lib/api/handle";
import * as c from "@/lib/api/contracts/members";
import { actorOf } from "@/lib/auth/principal";
import { addMember } from "@/lib/teams/add-member";
import { listMembers } from "@/lib/teams/members";

export const GET = route(c.listMembers, async ({ principal, services }) => ({ members: await listMembers({ db: services.db, teamId: principal.teamId }) }));

export const POST = route(c.addMember, ({ principal, body, services }) =>
  addMember({ db: services.db, teamSlug: principal.teamSlug, email: body.email, name: body.name, role: body.role, actor: actorOf(principal) }),
);
