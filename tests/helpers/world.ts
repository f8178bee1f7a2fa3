// Builds a team with one person per role and an API token per scope set, against the real database.
import { randomUUID } from "node:crypto";
import { encode } from "next-auth/jwt";
import { getDb } from "@/lib/db/client";
import { hashPassword } from "@/lib/auth/password";
import { ROLES, type Role, type Scope } from "@/lib/auth/roles";
import { createToken } from "@/lib/tokens/create-token";
import { SYSTEM_ACTOR } from "@/lib/auth/principal";

export type Person = { id: string; email: string; cookie: string };
export type World = { teamId: string; slug: string; people: Record<Role, Person>; tokens: Record<"read" | "write" | "deploy" | "all", string> };

export async function sessionCookie(userId: string, email: string): Promise<string> {
  const token = await encode({ token: { sub: userId, email }, secret: process.env.NEXTAUTH_SECRET! });
  return `next-auth.session-token=${token}`;
}

export async function makeWorld(prefix = "t"): Promise<World> {
  const db = getDb();
  const slug = `${prefix}-${randomUUID().slice(0, 8)}`;
  const team = await db.team.create({ data: { slug, name: `Team ${slug}` } });
  const passwordHash = await hashPassword("password-123");
  const people = {} as Record<Role, Person>;
  for (const role of ROLES) {
    const email = `${role}-${slug}@example.test`;
    const user = await db.user.create({ data: { email, name: `${role} ${slug}`, passwordHash } });
    await db.membership.create({ data: { teamId: team.id, userId: user.id, role } });
    people[role] = { id: user.id, email, cookie: await sessionCookie(user.id, email) };
  }
  const mk = async (scopes: Scope[]) => (await createToken({ db, teamId: team.id, name: scopes.join("+"), scopes, actor: SYSTEM_ACTOR })).token;
  const tokens = { read: await mk(["read"]), write: await mk(["read", "write"]), deploy: await mk(["read", "deploy"]), all: await mk(["read", "write", "deploy"]) };
  return { teamId: team.id, slug, people, tokens };
}
