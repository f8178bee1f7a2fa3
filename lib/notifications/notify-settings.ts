import type { Lookup } from "./outbound-url";

/** What sending notifications needs, from the web's or the job workers' environment. */
export type NotifySettings = {
  /** NEXTAUTH_SECRET: channel secrets are encrypted with a key derived from it */
  secretKey: string;
  /** NOTIFY_ALLOW_PRIVATE_NETWORKS */
  allowPrivateNetworks: boolean;
  /** NOTIFY_BACKOFF_BASE_MS */
  backoffBaseMs: number;
  /** the web app's public URL, for links in messages */
  appUrl: string;
  /** how host names are resolved (default: the system resolver) */
  lookup?: Lookup;
};
