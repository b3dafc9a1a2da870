import type { Translate } from "../i18n/instance";

/**
 * A User-Agent header in words a person recognises ("Firefox on Windows"), for the sessions list.
 * Deliberately rough: it names the browser family and the system, never versions.
 */
const BROWSERS: [RegExp, string][] = [
  [/\bEdgA?\/|\bEdg(?:iOS)?\//, "Edge"],
  [/\bOPR\/|\bOpera\b/, "Opera"],
  [/\bSamsungBrowser\//, "Samsung Internet"],
  [/\bVivaldi\//, "Vivaldi"],
  [/\bFirefox\/|\bFxiOS\//, "Firefox"],
  [/\bCriOS\/|\b(?:Headless)?Chrom(?:e|ium)\//, "Chrome"],
  [/\bVersion\/[\d.]+.*\bSafari\//, "Safari"],
  [/\bcurl\//i, "curl"],
  [/\bnode(?:-fetch)?\b|\bundici\b/i, "a Node.js script"],
  [/\bpython-requests\/|\bpython-urllib|\bhttpx\//i, "a Python script"],
];

const SYSTEMS: [RegExp, string][] = [
  [/\biPhone\b/, "iPhone"],
  [/\biPad\b/, "iPad"],
  [/\bAndroid\b/, "Android"],
  [/\bCrOS\b/, "ChromeOS"],
  [/\bWindows\b/, "Windows"],
  [/\bMac OS X\b|\bMacintosh\b/, "macOS"],
  [/\bLinux\b|\bX11\b/, "Linux"],
];

/** `describeUserAgent` in the reader's language ("Firefox sous Windows"); names of browsers and systems stay. */
export function describeUserAgentIn(t: Translate, userAgent: string | null | undefined): string {
  const ua = (userAgent ?? "").slice(0, 500);
  if (!ua.trim()) return t("account:browser.unknown");
  const found = BROWSERS.find(([re]) => re.test(ua))?.[1] ?? null;
  const browser = found === "a Node.js script" ? t("account:browser.node") : found === "a Python script" ? t("account:browser.python") : found;
  const system = SYSTEMS.find(([re]) => re.test(ua))?.[1] ?? null;
  if (browser && system) return t("account:browser.on", { browser, system });
  if (browser) return browser === found ? browser : browser.charAt(0).toUpperCase() + browser.slice(1);
  if (system) return t("account:browser.someOn", { system });
  return t("account:browser.unknown");
}

export function describeUserAgent(userAgent: string | null | undefined): string {
  const ua = (userAgent ?? "").slice(0, 500);
  if (!ua.trim()) return "Unknown browser";
  const browser = BROWSERS.find(([re]) => re.test(ua))?.[1] ?? null;
  const system = SYSTEMS.find(([re]) => re.test(ua))?.[1] ?? null;
  if (browser && system) return `${browser} on ${system}`;
  if (browser) return browser.startsWith("a ") ? browser.charAt(0).toUpperCase() + browser.slice(1) : browser;
  if (system) return `A browser on ${system}`;
  return "Unknown browser";
}
