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

/** Instants in microseconds of the monotonic clock the profile's times use (`process.hrtime.bigint() / 1000n` in any process of this machine). */
export interface Window {
  fromMicros: number;
  toMicros: number;
}

/** Is `at` inside the window, or inside any of the windows (a benchmark's measured phases, one per server it ran)? */
const within = (at: number, window: Window | Window[]) => (Array.isArray(window) ? window : [window]).some((w) => at >= w.fromMicros && at <= w.toMicros);

/** `window`: only the samples taken inside it (or inside any of several), e.g. a benchmark's measured phase. */
export function summarise(file: string, top = 25, window?: Window | Window[]): string {
  const profile = JSON.parse(readFileSync(file, "utf8")) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  let at = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i]!;
    at += profile.timeDeltas[i] ?? 0;
    if (window && !within(at, window)) continue;
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
  lines.push("", ...busyStretches(profile, byId, parent, name, window));
  return lines.join("\n");
}

/**
 * The event loop's busy stretches: runs of consecutive samples that are not idle, i.e. how long the process held its
 * loop without coming back to it (what an arriving message waits behind, at most). How much time went to stretches
 * of each length, and the longest ones, each with the project frames that took most of it.
 */
function busyStretches(
  profile: Profile,
  byId: Map<number, ProfileNode>,
  parent: Map<number, number>,
  name: (n: ProfileNode) => string,
  window?: Window | Window[],
): string[] {
  const idle = new Set(profile.nodes.filter((n) => n.callFrame.functionName === "(idle)").map((n) => n.id));
  const stretches: { micros: number; samples: number[] }[] = [];
  let current: { micros: number; samples: number[] } | null = null;
  let at = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i]!;
    const delta = profile.timeDeltas[i] ?? 0;
    at += delta;
    if (window && !within(at, window)) {
      if (current) stretches.push(current);
      current = null;
      continue;
    }
    if (idle.has(id)) {
      if (current) stretches.push(current);
      current = null;
      continue;
    }
    current ??= { micros: 0, samples: [] };
    current.micros += delta;
    current.samples.push(id);
  }
  if (current) stretches.push(current);
  const total = stretches.reduce((a, s) => a + s.micros, 0);
  const lines = [`busy stretches (no idle sample between): ${stretches.length}, ${(total / 1e3).toFixed(0)} ms in all`];
  const bounds = [250, 500, 1000, 2000, 5000, Infinity];
  let from = 0;
  for (const to of bounds) {
    const inBand = stretches.filter((s) => s.micros >= from && s.micros < to);
    const ms = inBand.reduce((a, s) => a + s.micros, 0) / 1e3;
    const label = to === Infinity ? `≥ ${from / 1e3} ms` : `${from / 1e3}–${to / 1e3} ms`;
    lines.push(`  ${label.padEnd(12)} ${String(inBand.length).padStart(6)} stretches, ${ms.toFixed(1).padStart(8)} ms`);
    from = to;
  }
  const project = (id: number): string | null => {
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const key = name(byId.get(cur)!);
      if (/(server|app|db)\/[^ ]+\.ts:/.test(key) && !key.includes("node_modules")) return key;
    }
    return null;
  };
  lines.push("  the longest, with the innermost project frame of most of their samples:");
  for (const s of [...stretches].sort((a, b) => b.micros - a.micros).slice(0, 10)) {
    const counts = new Map<string, number>();
    for (const id of s.samples) {
      const key = project(id) ?? name(byId.get(id)!);
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    const parts = [...counts].sort((a, b) => b[1] - a[1]).slice(0, 3).map(([k, n]) => `${Math.round((n / s.samples.length) * 100)} % ${k}`);
    lines.push(`  ${(s.micros / 1e3).toFixed(1).padStart(6)} ms: ${parts.join("; ")}`);
  }
  return lines;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const file = process.argv[2];
  if (!file) {
    process.stderr.write("usage: tsx bench/profile-summary.ts <file.cpuprofile> [top]\n");
    process.exit(2);
  }
  process.stdout.write(summarise(file, Number(process.argv[3] ?? 25)) + "\n");
}
