import { redirect } from "next/navigation";
import { ChangePasswordForm } from "@/components/change-password-form";
import { SignOutButton } from "@/components/sign-out-button";
import { currentUserId, mustChangePassword } from "@/lib/web/page-auth";

export const dynamic = "force-dynamic";

// People with a generated first password (the seeded admin, a member added without one) are sent
// here after signing in; the API refuses them everything else until they have changed it.
export default async function ChangePassword() {
  const userId = await currentUserId();
  if (!userId) redirect("/signin");
  const required = await mustChangePassword(userId);
  return (
    <main className="flex min-h-screen items-center justify-center p-4">
      <div className="w-full max-w-sm rounded-xl border border-slate-200 bg-white p-6 shadow-sm">
        <h1 className="mb-1 text-xl font-semibold">Choose a new password</h1>
        <p className="mb-6 text-sm text-slate-500">
          {required ? "You signed in with a first password that was generated for you. Choose your own before going on." : "Change the password you sign in with."}
        </p>
        <ChangePasswordForm />
        <div className="mt-4 text-right text-sm"><SignOutButton /></div>
      </div>
    </main>
  );
}
