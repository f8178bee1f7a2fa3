// Names and ids taken from a page's URL. One that cannot name anything (a NUL, a slash, 300 characters)
// gets the 404 page at once instead of reaching a query Postgres would refuse with a 500.
import { notFound } from "next/navigation";
import { slugName } from "../names";

/** A model, endpoint or alias name from the URL, or the 404 page. */
export function nameOr404(value: string): string {
  if (!slugName.safeParse(value).success) notFound();
  return value;
}

/** A row id (cuid) from the URL, or the 404 page. */
export function idOr404(value: string): string {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(value)) notFound();
  return value;
}

export type Missing = { title: string; detail: string };

const KINDS: [RegExp, (m: string[]) => Missing][] = [
  [/^\/t\/[^/]+\/models\/([^/]+)\/versions\/([^/]+)\/?$/, (m) => ({ title: `Version ${m[2]} of "${m[1]}" not found`, detail: "This model has no such version in this team." })],
  [/^\/t\/[^/]+\/models\/([^/]+)\/?$/, (m) => ({ title: `Model "${m[1]}" not found`, detail: "This team has no model of that name." })],
  [/^\/t\/[^/]+\/endpoints\/([^/]+)\/?$/, (m) => ({ title: `Endpoint "${m[1]}" not found`, detail: "This team has no endpoint of that name." })],
  [/^\/t\/[^/]+\/deployments\/([^/]+)\/?$/, (m) => ({ title: `Deployment "${m[1]}" not found`, detail: "This team has no deployment with that id." })],
  [/^\/t\/[^/]+\/drift-reports\/([^/]+)\/?$/, (m) => ({ title: `Drift report "${m[1]}" not found`, detail: "This team has no drift report with that id." })],
  [/^\/t\/[^/]+\/promotions\/([^/]+)\/?$/, (m) => ({ title: `Promotion "${m[1]}" not found`, detail: "This team has no promotion with that id." })],
];

const decode = (s: string) => {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
};

/** What the 404 page says for a path: the kind of thing and its name when the path names one. */
export function describeMissing(pathname: string): Missing {
  for (const [pattern, say] of KINDS) {
    const m = pattern.exec(pathname);
    if (m) return say([...m].map((x) => decode(x ?? "").slice(0, 80)));
  }
  return { title: "Page not found", detail: "There is no page at this address. It may have moved, or the link has a typo." };
}
