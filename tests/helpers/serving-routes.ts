// The route modules the serving tests call in-process. Imported by the test's beforeAll, after it has
// pointed REDIS_URL at its own cluster: the routes build their services on first use.
export async function servingRoutes() {
  return {
    models: await import("@/app/api/v1/models/route"),
    versions: await import("@/app/api/v1/models/[model]/versions/route"),
    endpoints: await import("@/app/api/v1/endpoints/route"),
    traffic: await import("@/app/api/v1/endpoints/[endpoint]/traffic/route"),
  };
}

export type ServingRoutes = Awaited<ReturnType<typeof servingRoutes>>;
