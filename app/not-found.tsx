import { NotFoundMessage } from "@/components/not-found-message";

export const metadata = { title: "Not found · Switchyard" };

// Addresses outside any team (and teams one is not a member of): a page of its own, status 404.
export default function NotFound() {
  return (
    <main className="mx-auto flex min-h-screen max-w-lg flex-col justify-center gap-6 p-4">
      <p className="flex items-center justify-center gap-2 text-lg font-bold text-indigo-700">
        <img src="/logo.svg" alt="" width={24} height={24} />
        Switchyard
      </p>
      <NotFoundMessage scope="app" />
    </main>
  );
}
