/**
 * Summarise a V8 .cpuprofile (node --cpu-prof): the functions with the most self time, and the share of time
 * spent under chosen frames. Usage: tsx bench/profile-summary.ts <file.cpuprofile> [top=25]
 */
import { readFileSync } from "node:fs";
import path from "node:path";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/**
 * `window`: only the samples taken between these two instants, in microseconds of the monotonic clock the profile's
 * times use (`process.hrtime.bigint() / 1000n` in any process of this machine), e.g. a benchmark's measured phase.
 */
export function summarise(file: string, top = 25, window?: { fromMicros: number; toMicros: number }): string {
  const profile = JSON.parse(readFileSync(file, "utf8")) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  let at = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i]!;
    at += profile.timeDeltas[i] ?? 0;
    if (window && (at < window.fromMicros || at > window.toMicros)) continue;
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const name = (n: ProfileNode) => {
    const url = n.callFrame.url.replace(/^file:\/\//, "");
    const rel = url.includes("node_modules/") ? url.slice(url.lastIndexOf("node_modules/") + 13) : path.relative(process.cwd(), url) || url;
    return `${n.callFrame.functionName || "(anonymous)"} ${rel ? `${rel}:${n.callFrame.lineNumber + 1}` : ""}`.trim();
  };
  const selfByName = new Map<string, number>();
  for (const [id, t] of self) {
    const n = byId.get(id)!;
    const key = name(n);
    selfByName.set(key, (selfByName.get(key) ?? 0) + t);
  }
  // Inclusive time per frame name (counted once per sample path).
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const inclusive = new Map<string, number>();
  for (const [id, t] of self) {
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const key = name(byId.get(cur)!);
      if (seen.has(key)) continue;
      seen.add(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + t);
    }
  }
  const pct = (t: number) => `${((t / total) * 100).toFixed(1).padStart(5)} %`;
  const lines = [`profile ${path.basename(file)}: ${(total / 1e6).toFixed(2)} s sampled`, "", "self time:"];
  for (const [k, t] of [...selfByName].sort((a, b) => b[1] - a[1]).slice(0, top)) lines.push(`  ${pct(t)}  ${k}`);
  lines.push("", "inclusive time (all frames):");
  const skip = new Set(["(root)", "(idle)", "(program)", "(garbage collector)"]);
  for (const [k, t] of [...inclusive].filter(([k]) => !skip.has(k)).sort((a, b) => b[1] - a[1]).slice(0, top)) lines.push(`  ${pct(t)}  ${k}`);
  const packages = new Map<string, number>();
  for (const [id, t] of self) {
    const url = byId.get(id)!.callFrame.url;
    const pkg = url.includes("node_modules/")
      ? url.slice(url.lastIndexOf("node_modules/") + 13).split("/").slice(0, url.includes("node_modules/@") ? 2 : 1).join("/")
      : url.startsWith("node:")
        ? "node internals"
        : url
          ? "project"
          : byId.get(id)!.callFrame.functionName || "(native)";
    packages.set(pkg, (packages.get(pkg) ?? 0) + t);
  }
  lines.push("", "self time by package:");
  for (const [k, t] of [...packages].sort((a, b) => b[1] - a[1]).slice(0, top)) lines.push(`  ${pct(t)}  ${k}`);
  lines.push("", "inclusive time (project frames):");
  const ours = [...inclusive].filter(([k]) => /(server|app|db)\/[^ ]+\.ts:/.test(k) && !k.includes("node_modules"));
  for (const [k, t] of ours.sort((a, b) => b[1] - a[1]).slice(0, top)) lines.push(`  ${pct(t)}  ${k}`);
  return lines.join("\n");
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const file = process.argv[2];
  if (!file) {
    process.stderr.write("usage: tsx bench/profile-summary.ts <file.cpuprofile> [top]\n");
    process.exit(2);
  }
  process.stdout.write(summarise(file, Number(process.argv[3] ?? 25)) + "\n");
}
