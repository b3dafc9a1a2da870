/** Small pieces the account pages stand on: user agents in words, times in words, safe links in mail bodies. */
import { renderToStaticMarkup } from "react-dom/server";
import { createElement } from "react";
import { describe, expect, it } from "vitest";
import { linkify } from "../../app/components/linkify";
import { describeUserAgent } from "../../app/utils/user-agent";
import { formatDateTime, timeAgo } from "../../app/utils/when";

describe("describing a browser in words", () => {
  const cases: [string | null, string][] = [
    ["Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36", "Chrome on Linux"],
    ["Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0", "Firefox on Windows"],
    ["Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Safari/605.1.15", "Safari on macOS"],
    ["Mozilla/5.0 (iPhone; CPU iPhone OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.6 Mobile/15E148 Safari/604.1", "Safari on iPhone"],
    ["Mozilla/5.0 (iPhone; CPU iPhone OS 17_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/131.0 Mobile/15E148 Safari/604.1", "Chrome on iPhone"],
    ["Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36", "Chrome on Android"],
    ["Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0", "Edge on Windows"],
    ["curl/8.5.0", "curl"],
    ["node", "A Node.js script"],
    ["", "Unknown browser"],
    [null, "Unknown browser"],
    ["<script>alert(1)</script>", "Unknown browser"],
  ];
  for (const [ua, words] of cases) {
    it(`says "${words}" for ${ua === null ? "no header" : JSON.stringify(ua.slice(0, 40))}`, () => {
      expect(describeUserAgent(ua)).toBe(words);
    });
  }
});

describe("times in words", () => {
  const now = new Date("2025-06-01T12:00:00Z");
  it("says how long ago, then the date", () => {
    expect(timeAgo(new Date(now.getTime() - 10_000), now)).toBe("just now");
    expect(timeAgo(new Date(now.getTime() - 60_000), now)).toBe("1 minute ago");
    expect(timeAgo(new Date(now.getTime() - 5 * 3600_000), now)).toBe("5 hours ago");
    expect(timeAgo(new Date(now.getTime() - 26 * 3600_000), now)).toBe("yesterday");
    expect(timeAgo(new Date("2025-01-01T08:30:00Z"), now)).toBe("1 Jan 2025, 08:30 UTC");
    expect(formatDateTime(new Date("2025-01-01T08:30:00Z"))).toBe("1 Jan 2025, 08:30 UTC");
  });
});

describe("links in mail bodies", () => {
  const html = (text: string) => renderToStaticMarkup(createElement("pre", null, ...linkify(text)));

  it("makes http and https URLs clickable and leaves sentence punctuation outside", () => {
    expect(html("Open https://a.example/verify-email?token=x.y, then http://b.example/p.")).toBe(
      '<pre>Open <a href="https://a.example/verify-email?token=x.y">https://a.example/verify-email?token=x.y</a>, then <a href="http://b.example/p">http://b.example/p</a>.</pre>',
    );
  });

  it("keeps markup inert and never links other schemes", () => {
    const out = html('<script>alert(1)</script> javascript:alert(1) data:text/html,x http://x.example/"><img src=x onerror=alert(1)>');
    expect(out).not.toContain("<script>");
    expect(out).not.toContain("<img");
    expect(out).not.toMatch(/href="(javascript|data):/);
    expect(out).toContain('<a href="http://x.example/">http://x.example/</a>&quot;&gt;&lt;img');
  });

  it("returns plain text unchanged", () => {
    expect(html("no links here")).toBe("<pre>no links here</pre>");
    expect(html("")).toBe("<pre></pre>");
  });
});
