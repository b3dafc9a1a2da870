/** `npm start` builds the Remix app when there is no build or the sources are newer than it, as `npm run build` does. */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";

function newestMtime(target: string): number {
  if (!existsSync(target)) return 0;
  const st = statSync(target);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const entry of readdirSync(target)) {
    if (entry === "node_modules" || entry.startsWith(".")) continue;
    newest = Math.max(newest, newestMtime(path.join(target, entry)));
  }
  return newest;
}

export function buildIsStale(root: string): boolean {
  const built = path.join(root, "build/index.js");
  if (!existsSync(built) || !existsSync(path.join(root, "public/build"))) return true;
  const builtAt = statSync(built).mtimeMs;
  const sources = ["app", "db", "remix.config.js", "package-lock.json"].map((p) => newestMtime(path.join(root, p)));
  return Math.max(...sources) > builtAt;
}

export async function ensureBuild(root: string, log: (m: string) => void): Promise<void> {
  if (!buildIsStale(root)) return;
  log("building the web app (remix build, then oxc-minify)…");
  const started = Date.now();
  const result = spawnSync(process.execPath, [path.join(root, "node_modules/@remix-run/dev/dist/cli.js"), "build"], {
    cwd: root,
    stdio: ["ignore", "inherit", "inherit"],
    env: { ...process.env, NODE_ENV: "production" },
  });
  if (result.status !== 0) throw new Error(`remix build failed (exit ${result.status ?? result.signal})`);
  // Loaded only to build: oxc-minify, like @remix-run/dev, is a development dependency, absent where a built app is deployed.
  const { minifyAssets } = await import("./minify-assets");
  await minifyAssets(path.join(root, "public"));
  log(`built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
