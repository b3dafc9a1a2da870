/**
 * Text that may carry e-mail addresses (an SMTP error: "550 5.1.1 <anna@example.org>: Recipient address rejected";
 * a database error's detail) before it reaches a log line or is stored: every address becomes "address". The logger
 * applies it to every line, so no code path can log one.
 */
const ADDRESS = /(?:"[^"\r\n]*"|[^\s<>"@,;()/\\]+)@(?:\[[^\]\s]*\]|[a-z0-9-]+(?:\.[a-z0-9-]+)+)/gi;

export function withoutEmailAddresses(text: string): string {
  return text.replace(ADDRESS, "address");
}
