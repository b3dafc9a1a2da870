/**
 * The real HTTP app (Express + the Remix build) listening on a random port, on the test file's database.
 * Needs `npm run build` first (npm test does it).
 */
import type { ServerBuild } from "@remix-run/node";
import path from "node:path";
import { existsSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { startAccordServer, type AccordServer } from "../../server/accord-server";
import type { CollabOptions } from "../../server/collab/collab-server";

export interface TestServer {
  url: string;
  server: AccordServer;
  close(): Promise<void>;
}

const root = path.resolve(import.meta.dirname, "../..");

/** `publicCacheMs` defaults to 0 here: tests read their own writes at once. */
export async function startTestServer(collab: Partial<CollabOptions> = {}, publicCacheMs = 0): Promise<TestServer> {
  const buildFile = path.join(root, "build/index.js");
  if (!existsSync(buildFile)) throw new Error("No Remix build: run `npm run build` first (npm test does it).");
  const build = (await import(pathToFileURL(buildFile).href)) as ServerBuild;
  process.env.ACCORD_LOG_LEVEL ??= "error";
  const server = await startAccordServer({ build, root, port: 0, host: "127.0.0.1", collab, publicCacheMs });
  return { url: `http://127.0.0.1:${server.port}`, server, close: () => server.close() };
}

/** A tiny cookie-keeping client for form posts, as a browser on our origin would send them. */
export class Browserish {
  cookies = new Map<string, string>();
  constructor(public readonly base: string) {}

  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }

  private remember(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(";");
      const eq = pair!.indexOf("=");
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      if (value === "" || /max-age=0/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  async get(pathname: string, headers: Record<string, string> = {}): Promise<Response> {
    const res = await fetch(this.base + pathname, { redirect: "manual", headers: { cookie: this.cookieHeader(), ...headers } });
    this.remember(res);
    return res;
  }

  async post(pathname: string, form: Record<string, string>, headers: Record<string, string> = {}): Promise<Response> {
    const res = await fetch(this.base + pathname, {
      method: "POST",
      redirect: "manual",
      headers: { origin: this.base, "content-type": "application/x-www-form-urlencoded", cookie: this.cookieHeader(), ...headers },
      body: new URLSearchParams(form).toString(),
    });
    this.remember(res);
    return res;
  }
}
