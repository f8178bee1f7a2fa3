import NextAuth from "next-auth";
import { authOptions } from "@/lib/auth/auth-options";
import { throttledSignIn } from "@/lib/api/sign-in-route";

// Built at the first request, not when the module loads: `next build` loads route modules, and the
// options need the web's configuration (which refuses a default NEXTAUTH_SECRET in production).
let nextAuth: ((req: Request, ctx: { params: Promise<{ nextauth?: string[] }> }) => Promise<Response>) | null = null;
const handler = (req: Request, ctx: { params: Promise<{ nextauth?: string[] }> }) => (nextAuth ??= NextAuth(authOptions()))(req, ctx);

export const GET = handler;
// credential sign-ins are throttled per account and per client address (429 with Retry-After)
export const POST = throttledSignIn(handler);
