/**
 * A cap on request bodies (64 kB by default), enforced before Remix or any route reads a byte: every form and JSON
 * post Accord takes is far smaller, and Remix's `request.formData()` would otherwise buffer whatever it is sent.
 * - A declared Content-Length over the cap is answered 413 at once; the body is never read into memory.
 * - A body without one (chunked) is counted as it arrives; the chunk that crosses the cap is not handed on, the client
 *   gets 413 (Connection: close), and the request is then destroyed, so whoever was reading it sees an error, never a
 *   body that merely looks complete.
 * Routes may keep lower caps of their own (the JSON endorsement POST reads at most 16 kB); a few paths that take files
 * get a larger one, named where the process is assembled (server/http-app.ts).
 */
import type { NextFunction, Request, Response } from "express";

export const DEFAULT_MAX_BODY_BYTES = 64 * 1024;

/** Set on `res.locals` once the request was refused: the error handler stays quiet about the reader's failure. */
export const BODY_REFUSED = "bodyRefused";

function refuse(req: Request, res: Response, maxBytes: number): void {
  res.locals[BODY_REFUSED] = true;
  if (res.headersSent) return;
  const words = `This request is too large: at most ${Math.floor(maxBytes / 1024)} kB are taken (413).`;
  res.status(413).set("Connection", "close");
  // The JSON API answers errors in JSON, as its contract says; pages in words.
  if (req.path.startsWith("/api/") || (req.get("accept") ?? "").includes("application/json")) res.json({ error: words });
  else res.type("text/plain").send(words);
}

export function bodyLimit(defaultMaxBytes = DEFAULT_MAX_BODY_BYTES, largerForPaths: Readonly<Record<string, number>> = {}) {
  return function bodyLimitMiddleware(req: Request, res: Response, next: NextFunction): void {
    const maxBytes = Object.prototype.hasOwnProperty.call(largerForPaths, req.path) ? largerForPaths[req.path]! : defaultMaxBytes;
    const declared = req.get("content-length");
    if (declared !== undefined) {
      if (Number(declared) > maxBytes) return refuse(req, res, maxBytes);
      return next(); // Node's parser never delivers more than the declared length
    }
    if (req.get("transfer-encoding") === undefined) return next(); // no body
    let seen = 0;
    const push = req.push.bind(req);
    // Count where the bytes enter the stream (the HTTP parser pushes them), so no reader can see more than the cap.
    req.push = (chunk: unknown, encoding?: BufferEncoding): boolean => {
      if (res.locals[BODY_REFUSED]) return false; // past the cap: nothing more reaches a reader, not even the end
      if (chunk === null) return push(null);
      seen += chunk instanceof Uint8Array ? chunk.length : Buffer.byteLength(String(chunk), encoding);
      if (seen <= maxBytes) return push(chunk, encoding);
      refuse(req, res, maxBytes);
      const destroy = () => req.destroy(new Error("request body too large"));
      if (res.writableFinished) destroy();
      else res.once("close", destroy);
      return false;
    };
    next();
  };
}
