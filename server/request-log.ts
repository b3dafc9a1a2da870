/**
 * One log line and one latency observation per HTTP request, when its answer is finished (or the client went away):
 * a request id (ours, or a proxy's X-Request-Id behind ACCORD_TRUST_PROXY when it is a plain token), the method, the
 * route pattern (never the path: it can carry a secret link), the status and the duration. Never the client's
 * address, headers or query. Health checks and static assets log at debug.
 */
import type { NextFunction, Request, Response } from "express";
import { randomUUID } from "node:crypto";
import { getConfig } from "../app/config.server";
import { log } from "../app/utils/log.server";
import { metrics } from "../app/utils/metrics.server";
import type { RouteOf } from "./route-patterns";

const SAFE_ID = /^[A-Za-z0-9._-]{8,64}$/;
const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);

function requestId(req: Request): string {
  const given = req.get("x-request-id");
  return getConfig().ACCORD_TRUST_PROXY && given && SAFE_ID.test(given) ? given : randomUUID();
}

export function requestLog(routeOf: RouteOf): (req: Request, res: Response, next: NextFunction) => void {
  const { httpDuration } = metrics();
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    const id = requestId(req);
    res.locals.requestId = id;
    res.setHeader("X-Request-Id", id);
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const status = res.headersSent ? res.statusCode : 0; // 0: the client left before any answer
      const route = routeOf(req.path, status || 499);
      const method = METHODS.has(req.method) ? req.method : "OTHER";
      httpDuration.observe({ method, route, status: String(status) }, seconds);
      const quiet = route === "/healthz" || route === "/build/*" || route === "static";
      (quiet ? log.debug : log.info)(`${method} ${route} ${status}`, { reqId: id, method, route, status, durationMs: Math.round(seconds * 1e4) / 10 });
    };
    res.once("finish", finish);
    res.once("close", finish);
    next();
  };
}
