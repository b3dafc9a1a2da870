import { once } from "node:events";
import type { AddressInfo } from "node:net";
import type { ActionFunctionArgs, ServerBuild } from "@remix-run/node";
import express, { type NextFunction, type Request, type Response } from "express";
import { afterEach, describe, expect, it } from "vitest";
import { DIRECT_ACTION_ROUTES, mountDirectActions } from "../../server/direct-actions";

type Action = (args: ActionFunctionArgs) => Promise<globalThis.Response>;

/** A build with the discussion's route ids under a pathless layout, each route's action given by `actionFor`. */
function buildWith(actionFor: (id: string) => Action | undefined): ServerBuild {
  const routes: Record<string, unknown> = { root: { id: "root", path: "", module: {} } };
  for (const id of DIRECT_ACTION_ROUTES) {
    const path = id.replace(/^routes\//, "").replace(/\$(\w+)/g, ":$1").replaceAll(".", "/");
    routes[id] = { id, parentId: "root", path, module: { action: actionFor(id) } };
  }
  return { routes } as unknown as ServerBuild;
}

let close: (() => void) | null = null;
afterEach(() => {
  close?.();
  close = null;
});

async function serve(build: ServerBuild): Promise<string> {
  const app = express();
  mountDirectActions(app, build, (req) => ({ marker: `context for ${req.path}` }) as never);
  app.all("*", (_req, res) => void res.status(299).send("Remix would answer this"));
  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => void res.status(500).send(`error handler: ${(error as Error).message}`));
  const server = app.listen(0, "127.0.0.1");
  await once(server, "listening");
  close = () => server.close();
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe("the discussion's writes answered by their routes' actions", () => {
  it("hands the action the request's method, headers, body, path parameters and load context, and sends its answer as it is", async () => {
    let seen: Record<string, unknown> = {};
    const base = await serve(
      buildWith((id) =>
        id === "routes/api.threads.$id.comments"
          ? async ({ request, params, context }) => {
              seen = { method: request.method, url: request.url, cookie: request.headers.get("cookie"), body: await request.json(), params, context };
              const headers = new Headers({ "Content-Type": "application/json", "X-Thread-Seq": "7" });
              headers.append("Set-Cookie", "a=1; Path=/");
              headers.append("Set-Cookie", "b=2; Path=/");
              return new Response(JSON.stringify({ id: "c1" }), { status: 201, headers });
            }
          : async () => new Response(null, { status: 204 }),
      ),
    );
    const res = await fetch(`${base}/api/threads/t%2D1/comments?x=1`, { method: "POST", headers: { cookie: "s=abc", "content-type": "application/json" }, body: JSON.stringify({ body: "Why?" }) });
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ id: "c1" });
    expect(res.headers.get("x-thread-seq")).toBe("7");
    expect(res.headers.getSetCookie()).toEqual(["a=1; Path=/", "b=2; Path=/"]);
    expect(seen).toEqual({
      method: "POST",
      url: `${base}/api/threads/t%2D1/comments?x=1`,
      cookie: "s=abc",
      body: { body: "Why?" },
      params: { id: "t-1" },
      context: { marker: "context for /api/threads/t%2D1/comments" },
    });
  });

  it("answers a Response the action throws, sends other errors to the error handler, and leaves GET and HEAD to Remix", async () => {
    const base = await serve(
      buildWith((id) =>
        id === "routes/api.proposals.$id.accept"
          ? async () => {
              throw new Response(JSON.stringify({ error: "outdated" }), { status: 409, headers: { "Content-Type": "application/json" } });
            }
          : id === "routes/api.proposals.$id.reject"
            ? async () => {
                throw new Error("broken");
              }
            : async () => new Response(null, { status: 204 }),
      ),
    );
    const thrown = await fetch(`${base}/api/proposals/p1/accept`, { method: "POST" });
    expect([thrown.status, await thrown.json()]).toEqual([409, { error: "outdated" }]);
    const failed = await fetch(`${base}/api/proposals/p1/reject`, { method: "POST" });
    expect([failed.status, await failed.text()]).toEqual([500, "error handler: broken"]);
    const read = await fetch(`${base}/api/documents/d1/threads`);
    expect([read.status, await read.text()]).toEqual([299, "Remix would answer this"]);
    expect((await fetch(`${base}/api/comments/c1`, { method: "HEAD" })).status).toBe(299);
    const deleted = await fetch(`${base}/api/comments/c1`, { method: "DELETE" });
    expect(deleted.status).toBe(204);
  });

  it("refuses to start when a route it names has no action in the build", () => {
    const app = express();
    expect(() => mountDirectActions(app, buildWith((id) => (id === "routes/api.threads.$id.resolve" ? undefined : async () => new Response(null))), () => ({}) as never)).toThrow(
      /no action for routes\/api\.threads\.\$id\.resolve/,
    );
  });
});
