/**
 * The discussion's writes (start a thread, propose, reply, resolve, decide…), answered by their Remix route modules'
 * own `action` functions without Remix's request handling around them. During a workshop these arrive several a
 * second on a document others are typing in, on the same event loop that relays the typing; Remix's handling (its
 * route table matched twice, the data machinery, a streamed answer) cost more of that loop than the route's checks.
 *
 * Nothing about a request changes: it runs after the security headers, the body cap and the cross-origin guard, as
 * before; the route module is the one Remix would have picked (the same path pattern, from the build's route table);
 * its action receives the same Fetch Request as Remix's Express adapter makes, the same load context, the same params; a thrown
 * Response is the answer, as in Remix; any other error goes to Express's error handler. GET and HEAD (the routes'
 * loaders) still go through Remix.
 */
import { createReadableStreamFromReadable, type ActionFunctionArgs, type AppLoadContext, type ServerBuild } from "@remix-run/node";
import type { Express, NextFunction, Request, Response } from "express";
import { fullPath } from "./route-patterns";

/** The discussion's API routes whose writes are answered here (app/routes). */
export const DIRECT_ACTION_ROUTES = [
  "routes/api.documents.$id.threads",
  "routes/api.documents.$id.proposals",
  "routes/api.threads.$id",
  "routes/api.threads.$id.comments",
  "routes/api.threads.$id.resolve",
  "routes/api.threads.$id.reopen",
  "routes/api.threads.$id.reattach",
  "routes/api.comments.$id",
  "routes/api.proposals.$id.accept",
  "routes/api.proposals.$id.reject",
] as const;

type Action = (args: ActionFunctionArgs) => Promise<globalThis.Response> | globalThis.Response;

/**
 * The Fetch Request Remix's Express adapter would hand the action (@remix-run/express's createRemixRequest, which it
 * does not export): the URL as the client addressed it (behind a trusted proxy, its host), every header, the body as
 * a stream, and a signal aborted if the client goes away before the answer.
 */
function fetchRequest(req: Request, res: Response): globalThis.Request {
  const port = [req.get("X-Forwarded-Host"), req.get("host")].map((h) => Number.parseInt(h?.split(":")[1] ?? "", 10)).find(Number.isSafeInteger);
  const url = `${req.protocol}://${req.hostname}${port === undefined ? "" : `:${port}`}${req.originalUrl}`;
  const headers = new Headers();
  for (const [key, value] of Object.entries(req.headers)) {
    if (Array.isArray(value)) for (const v of value) headers.append(key, v);
    else if (value) headers.set(key, value);
  }
  const controller = new AbortController();
  res.on("close", () => {
    if (!res.writableFinished) controller.abort();
  });
  return new globalThis.Request(url, { method: req.method, headers, signal: controller.signal, body: createReadableStreamFromReadable(req), duplex: "half" } as RequestInit);
}

async function send(res: Response, answer: globalThis.Response): Promise<void> {
  const body = answer.body ? Buffer.from(await answer.arrayBuffer()) : null;
  res.status(answer.status);
  for (const [key, value] of answer.headers) if (key !== "set-cookie") res.setHeader(key, value);
  for (const cookie of answer.headers.getSetCookie()) res.append("Set-Cookie", cookie);
  res.end(body);
}

function directAction(action: Action, loadContext: (req: Request, res: Response) => AppLoadContext) {
  return (req: Request, res: Response, next: NextFunction): void => {
    if (req.method === "GET" || req.method === "HEAD") return next();
    const run = async () => {
      let answer: globalThis.Response;
      try {
        answer = await action({ request: fetchRequest(req, res), context: loadContext(req, res), params: { ...req.params } });
      } catch (thrown) {
        if (!(thrown instanceof globalThis.Response)) throw thrown;
        answer = thrown;
      }
      await send(res, answer);
    };
    run().catch(next);
  };
}

/** Mount the direct writes of `DIRECT_ACTION_ROUTES` on `app`; every route must exist in the build, with an action. */
export function mountDirectActions(app: Express, build: ServerBuild, loadContext: (req: Request, res: Response) => AppLoadContext): void {
  for (const id of DIRECT_ACTION_ROUTES) {
    const action = build.routes[id]?.module.action as Action | undefined;
    if (!action) throw new Error(`The build has no action for ${id}: server/direct-actions.ts names a route that is gone.`);
    app.all(`/${fullPath(build.routes, id)}`, directAction(action, loadContext));
  }
}
