// Where notifications may be sent. A channel URL is checked when the channel is created (its form,
// then the addresses its host resolves to) and again on every send, on the address the connection
// then uses: the connection is pinned to that checked address (lib/notifications/post-json.ts), so
// a DNS answer that changes between the check and the connect (DNS rebinding) cannot redirect it.
// Link-local and cloud-metadata addresses are always refused; private and loopback ones unless
// NOTIFY_ALLOW_PRIVATE_NETWORKS=1.
import { lookup as dnsLookup } from "node:dns/promises";
import { BlockList, isIP } from "node:net";
import { AppError } from "../errors";

export type ResolvedAddress = { address: string; family: 4 | 6 };
/** Resolves a host name to its addresses (default: the system resolver, as node:http would). */
export type Lookup = (hostname: string) => Promise<ResolvedAddress[]>;

export const systemLookup: Lookup = async (hostname) =>
  (await dnsLookup(hostname, { all: true, verbatim: true })).map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));

const always = new BlockList();
always.addSubnet("169.254.0.0", 16, "ipv4"); // link-local, where cloud metadata services answer (169.254.169.254)
always.addSubnet("fe80::", 10, "ipv6"); // link-local
always.addAddress("fd00:ec2::254", "ipv6"); // AWS metadata over IPv6
always.addSubnet("224.0.0.0", 4, "ipv4"); // multicast and reserved: never a receiver
always.addSubnet("240.0.0.0", 4, "ipv4");
always.addSubnet("ff00::", 8, "ipv6");

const privateNets = new BlockList();
for (const [net, bits] of [["0.0.0.0", 8], ["10.0.0.0", 8], ["172.16.0.0", 12], ["192.168.0.0", 16], ["127.0.0.0", 8], ["100.64.0.0", 10]] as const) privateNets.addSubnet(net, bits, "ipv4");
privateNets.addAddress("::1", "ipv6");
privateNets.addAddress("::", "ipv6");
privateNets.addSubnet("fc00::", 7, "ipv6");

/** The 8 groups of an IPv6 address as numbers. */
function groups6(address: string): number[] {
  const [head, tail] = address.includes("::") ? address.split("::") : [address, undefined];
  const part = (s: string | undefined) => (s ? s.split(":") : []);
  let h = part(head);
  let t = part(tail);
  const v4 = (xs: string[]) => xs.flatMap((g) => (g.includes(".") ? (() => { const b = g.split(".").map(Number); return [((b[0] << 8) | b[1]).toString(16), ((b[2] << 8) | b[3]).toString(16)]; })() : [g]));
  h = v4(h);
  t = v4(t);
  const fill = tail === undefined ? [] : Array(8 - h.length - t.length).fill("0");
  return [...h, ...fill, ...t].map((g) => parseInt(g, 16));
}

/** An IPv4 address carried inside an IPv6 one (IPv4-mapped `::ffff:a.b.c.d`, NAT64 `64:ff9b::/96`): it is where the packet goes. */
function embeddedV4(address: string): string | null {
  const g = groups6(address);
  const mapped = g.slice(0, 5).every((x) => x === 0) && g[5] === 0xffff;
  const nat64 = g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0);
  return mapped || nat64 ? [g[6] >> 8, g[6] & 255, g[7] >> 8, g[7] & 255].join(".") : null;
}

export type AddressClass = "public" | "private" | "forbidden";

export function classifyAddress(address: string): AddressClass {
  const bare = address.replace(/^\[|\]$/g, "").replace(/%.*$/, "");
  const family = isIP(bare);
  if (family === 6) {
    const v4 = embeddedV4(bare);
    if (v4) return classifyAddress(v4);
  }
  const type = family === 6 ? "ipv6" : "ipv4";
  if (!family) return "forbidden";
  if (always.check(bare, type)) return "forbidden";
  if (privateNets.check(bare, type)) return "private";
  return "public";
}

/** Why an address may not be used, or null when it may. */
export function addressRefusal(address: string, allowPrivate: boolean): string | null {
  const c = classifyAddress(address);
  if (c === "forbidden") return `${address} is a link-local, cloud-metadata or non-unicast address, which notifications never reach`;
  if (c === "private" && !allowPrivate) return `${address} is a private or loopback address; notifications reach those only when NOTIFY_ALLOW_PRIVATE_NETWORKS=1`;
  return null;
}

/** The URL's form: http(s), no credentials. Returns the parsed URL; a problem is a 400 on `field`. */
export function parseOutboundUrl(raw: string, field = "url"): URL {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    throw new AppError("bad_request", "must be an absolute http:// or https:// URL", { field });
  }
  if (u.protocol !== "http:" && u.protocol !== "https:") throw new AppError("bad_request", `must be an http:// or https:// URL, not ${u.protocol}`, { field });
  if (u.username || u.password) throw new AppError("bad_request", "must not carry credentials (user:password@); a webhook is authenticated by its signing secret", { field });
  if (!u.hostname) throw new AppError("bad_request", "must name a host", { field });
  return u;
}

export class RefusedAddress extends Error {}

/**
 * The address to connect to for `url`: its host resolved (or taken as it is, for an address), every
 * answer checked. Throws RefusedAddress saying why when any answer is refused or none comes.
 */
export async function resolveOutbound(url: URL, opts: { allowPrivate: boolean; lookup?: Lookup }): Promise<ResolvedAddress> {
  const host = url.hostname.replace(/^\[|\]$/g, "");
  const family = isIP(host);
  let answers: ResolvedAddress[];
  if (family) answers = [{ address: host, family: family === 6 ? 6 : 4 }];
  else {
    try {
      answers = await (opts.lookup ?? systemLookup)(host);
    } catch (err) {
      throw new RefusedAddress(`${host} does not resolve (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
    if (!answers.length) throw new RefusedAddress(`${host} does not resolve`);
  }
  for (const a of answers) {
    const why = addressRefusal(a.address, opts.allowPrivate);
    if (why) throw new RefusedAddress(family ? why : `${host} resolves to ${why}`);
  }
  return answers[0];
}

/** For channel creation: the form (400) and where it resolves (422), each saying why. */
export async function checkOutboundUrl(raw: string, opts: { allowPrivate: boolean; lookup?: Lookup; field?: string }): Promise<URL> {
  const u = parseOutboundUrl(raw, opts.field);
  try {
    await resolveOutbound(u, opts);
  } catch (err) {
    if (err instanceof RefusedAddress) throw new AppError("unprocessable", err.message, { field: opts.field ?? "url" });
    throw err;
  }
  return u;
}
