/** Small pure rules of signing in: the wait in words, the bearer header, addresses kept out of logs. */
import { describe, expect, it } from "vitest";
import { parseBearer } from "../../app/auth/bearer";
import { withoutEmailAddresses } from "../../app/utils/redact";
import { pleaseWait, waitWords } from "../../app/utils/wait-words";

describe("asking someone to wait", () => {
  it("says a second, seconds, a minute or minutes, never '1 seconds'", () => {
    expect(pleaseWait(1)).toBe("Please wait a second before trying again.");
    expect(pleaseWait(0.2)).toBe("Please wait a second before trying again.");
    expect(pleaseWait(12)).toBe("Please wait 12 seconds before trying again.");
    expect(waitWords(59)).toBe("59 seconds");
    expect(waitWords(60)).toBe("a minute");
    expect(waitWords(61)).toBe("2 minutes");
    expect(waitWords(900)).toBe("15 minutes");
  });
});

describe("the bearer header", () => {
  it("is one token after 'Bearer', and nothing else counts as one", () => {
    expect(parseBearer("Bearer accord_pat_abc.def")).toBe("accord_pat_abc.def");
    expect(parseBearer("bearer   x")).toBe("x");
    for (const value of ["Bearer a b", "Bearer", "Bearer ", "Basic abc", "Bearerx", "Bearer \u00e9", `Bearer ${"a".repeat(513)}`, "", null, undefined]) {
      expect(parseBearer(value), String(value)).toBeNull();
    }
  });
});

describe("e-mail addresses in text bound for a log or the outbox", () => {
  it("are replaced, in the shapes SMTP servers and PostgreSQL write them", () => {
    expect(withoutEmailAddresses("550 5.1.1 <anna.berg+x@polisen.se>: Recipient address rejected")).toBe("550 5.1.1 <address>: Recipient address rejected");
    expect(withoutEmailAddresses("Can't send mail - all recipients were rejected: 550 <x@Example.ORG>")).not.toMatch(/@/);
    expect(withoutEmailAddresses('RCPT TO:<a@[192.0.2.1]> and "john doe"@example.org')).not.toMatch(/@/);
    expect(withoutEmailAddresses("Key (email)=(anna@example.org) already exists.")).toBe("Key (email)=(address) already exists.");
  });

  it("leaves stack traces and other text alone", () => {
    const stack = "at handle (/srv/accord/node_modules/@remix-run/node/dist/x.js:1:2)";
    expect(withoutEmailAddresses(stack)).toBe(stack);
    expect(withoutEmailAddresses("connect ECONNREFUSED 127.0.0.1:25")).toBe("connect ECONNREFUSED 127.0.0.1:25");
  });
});
