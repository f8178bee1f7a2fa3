// next-auth for people: email + password (bcrypt), and an OIDC provider when OIDC_* is set.
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { getDb } from "../db/client";
import { loadConfig } from "../config";
import { verifyPassword } from "./password";

function oidcProvider(env: NodeJS.ProcessEnv) {
  if (!env.OIDC_ISSUER || !env.OIDC_CLIENT_ID || !env.OIDC_CLIENT_SECRET) return [];
  return [
    {
      id: "oidc",
      name: env.OIDC_NAME ?? "Single sign-on",
      type: "oauth" as const,
      wellKnown: `${env.OIDC_ISSUER.replace(/\/$/, "")}/.well-known/openid-configuration`,
      clientId: env.OIDC_CLIENT_ID,
      clientSecret: env.OIDC_CLIENT_SECRET,
      authorization: { params: { scope: "openid email profile" } },
      idToken: true,
      checks: ["pkce" as const, "state" as const],
      profile: (p: { sub: string; email: string; name?: string }) => ({ id: p.sub, email: p.email, name: p.name ?? p.email }),
    },
  ];
}

export function authOptions(): NextAuthOptions {
  const config = loadConfig();
  return {
    secret: config.authSecret,
    session: { strategy: "jwt", maxAge: 7 * 24 * 3600 },
    pages: { signIn: "/signin" },
    providers: [
      CredentialsProvider({
        name: "Email and password",
        credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
        async authorize(credentials) {
          const email = credentials?.email?.trim().toLowerCase();
          if (!email || !credentials?.password) return null;
          const user = await getDb().user.findUnique({ where: { email } });
          if (!user?.passwordHash || !(await verifyPassword(credentials.password, user.passwordHash))) return null;
          return { id: user.id, email: user.email, name: user.name };
        },
      }),
      ...oidcProvider(process.env),
    ],
    callbacks: {
      // OIDC users are matched to Switchyard users by email: an admin adds them to a team first.
      async signIn({ user, account }) {
        if (account?.provider !== "oidc") return true;
        const known = user.email ? await getDb().user.findUnique({ where: { email: user.email.toLowerCase() } }) : null;
        return Boolean(known);
      },
      async jwt({ token, user, account }) {
        if (user && account?.provider === "oidc" && user.email) {
          const known = await getDb().user.findUnique({ where: { email: user.email.toLowerCase() } });
          if (known) token.sub = known.id;
        }
        return token;
      },
    },
  };
}
