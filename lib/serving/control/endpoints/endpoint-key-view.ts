type EndpointKeyRow = { id: string; name: string; prefix: string; revokedAt: Date | null; createdBy: string; createdAt: Date };

/** What the API and UI may show about an endpoint key: never the key or its hash. */
export function toEndpointKeyView(k: EndpointKeyRow) {
  return { id: k.id, name: k.name, prefix: k.prefix, revokedAt: k.revokedAt?.toISOString() ?? null, createdBy: k.createdBy, createdAt: k.createdAt.toISOString() };
}
export type EndpointKeyView = ReturnType<typeof toEndpointKeyView>;
