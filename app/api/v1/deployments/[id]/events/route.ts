import { route } from "@/lib/api/handle";
import * as c from "@/lib/api/contracts/endpoints";
import { getDeployment } from "@/lib/serving/control/endpoints/read-endpoints";
import { isFinished } from "@/lib/serving/shared/deployment-status";

export const dynamic = "force-dynamic";


// Sends the deployment whenever it changes (checked twice a second) and closes when it is done.
export const GET = route(c.deploymentEvents, async ({ req, principal, params, services }) => {
  const first = await getDeployment({ db: services.db, teamId: principal.teamId, id: params.id });
  const enc = new TextEncoder();
  let timer: ReturnType<typeof setInterval> | undefined;
  const stream = new ReadableStream<Uint8Array>({
    start(ctl) {
      let last = JSON.stringify(first);
      ctl.enqueue(enc.encode(`event: deployment\ndata: ${last}\n\n`));
      if (isFinished(first.status)) return ctl.close();
      timer = setInterval(async () => {
        try {
          const d = await getDeployment({ db: services.db, teamId: principal.teamId, id: params.id });
          const text = JSON.stringify(d);
          if (text !== last) ctl.enqueue(enc.encode(`event: deployment\ndata: ${(last = text)}\n\n`));
          else ctl.enqueue(enc.encode(": keep-alive\n\n"));
          if (isFinished(d.status)) { clearInterval(timer); ctl.close(); }
        } catch {
          clearInterval(timer);
          ctl.close();
        }
      }, 500);
      req.signal.addEventListener("abort", () => clearInterval(timer));
    },
    cancel() { clearInterval(timer); },
  });
  return new Response(stream, { headers: { "content-type": "text/event-stream", "cache-control": "no-cache, no-transform", connection: "keep-alive" } });
});
