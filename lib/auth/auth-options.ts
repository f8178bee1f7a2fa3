// next-auth for people: email + password (bcrypt), and an OIDC provider when OIDC_* is set.
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { getDb } from "../db/client";
import { getServices, type Config } from "../services";
import { checkPassword } from "./password";
import { SESSION_MAX_AGE_SECONDS, SESSION_VERSION_CLAIM } from "./session-cookie";

function oidcProvider(oidc: Config["oidc"]) {
  if (!oidc) return [];
  return [
    {
      id: "oidc",
      name: oidc.name,
      type: "oauth" as const,
      wellKnown: `${oidc.issuer.replace(/\/$/, "")}/.well-known/openid-configuration`,
      clientId: oidc.clientId,
      clientSecret: oidc.clientSecret,
      authorization: { params: { scope: "openid email profile" } },
      idToken: true,
      checks: ["pkce" as const, "state" as const],
      profile: (p: { sub: string; email: string; name?: string }) => ({ id: p.sub, email: p.email, name: p.name ?? p.email }),
    },
  ];
}

export function authOptions(): NextAuthOptions {
  const { config } = getServices();
  return {
    secret: config.authSecret,
    session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS },
    pages: { signIn: "/signin" },
    providers: [
      CredentialsProvider({
        name: "Email and password",
        credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
        async authorize(credentials) {
          const email = credentials?.email?.trim().toLowerCase();
          if (!email || !credentials?.password) return null;
          const user = await getDb().user.findUnique({ where: { email } });
          // compared also when there is no such user (against a dummy hash): the answer takes as long either way
          if (!(await checkPassword(credentials.password, user?.passwordHash)) || !user) return null;
          // the version read with the hash that matched: a change that lands meanwhile ends this session too
          return { id: user.id, email: user.email, name: user.name, sessionVersion: user.sessionVersion };
        },
      }),
      ...oidcProvider(config.oidc),
    ],
    callbacks: {
      // OIDC users are matched to Switchyard users by email: an admin adds them to a team first.
      async signIn({ user, account }) {
        if (account?.provider !== "oidc") return true;
        const known = user.email ? await getDb().user.findUnique({ where: { email: user.email.toLowerCase() } }) : null;
        return Boolean(known);
      },
      // `user` is set only at sign-in: the session version is stamped into the JWT then, and every
      // request compares it with the user's current one (lib/auth/session-cookie.ts).
      async jwt({ token, user, account }) {
        if (user && account?.provider === "oidc" && user.email) {
          const known = await getDb().user.findUnique({ where: { email: user.email.toLowerCase() } });
          if (known) {
            token.sub = known.id;
            token[SESSION_VERSION_CLAIM] = known.sessionVersion;
          }
        } else if (user) {
          token[SESSION_VERSION_CLAIM] = (user as { sessionVersion?: number }).sessionVersion ?? 0;
        }
        return token;
      },
    },
  };
}
