import { route } from "@/lib/api/handle";
import * as c from "@/lib/api/contracts/account";
import { actorOf } from "@/lib/auth/principal";
import { updateProfile } from "@/lib/auth/update-profile";

export const PUT = route(c.updateProfile, ({ principal, body, services }) => updateProfile({ db: services.db, principal, name: body.name, actor: actorOf(principal) }));
