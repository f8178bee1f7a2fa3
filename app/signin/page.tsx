import { SignInForm } from "@/components/sign-in-form";
import { getServices } from "@/lib/services";

export default async function SignIn({ searchParams }: { searchParams: Promise<{ error?: string }> }) {
  const { error } = await searchParams;
  return (
    <main className="flex min-h-screen items-center justify-center p-4">
      <div className="w-full max-w-sm rounded-xl border border-slate-200 bg-white p-6 shadow-sm">
        <h1 className="mb-1 text-xl font-semibold">Sign in to Switchyard</h1>
        <p className="mb-6 text-sm text-slate-500">Ship models to production and keep them healthy.</p>
        <SignInForm initialError={error === "NoTeam" ? "You are not a member of any team yet. Ask an admin to add you." : undefined} oidc={getServices().config.oidc !== null} />
      </div>
    </main>
  );
}
