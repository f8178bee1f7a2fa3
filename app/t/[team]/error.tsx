"use client";

export default function TeamError({ error, reset }: { error: Error; reset: () => void }) {
  return (
    <div role="alert" className="rounded-xl border border-red-200 bg-red-50 p-6">
      <p className="font-medium text-red-800">Something went wrong loading this page.</p>
      <p className="mt-1 text-sm text-red-700">{error.message}</p>
      <button onClick={reset} className="mt-4 rounded-md bg-red-600 px-3 py-1.5 text-sm font-medium text-white">Try again</button>
    </div>
  );
}
