/**
 * The JSON contract of `POST /api/declarations/<slug>/endorsements` (README "API"), apart from any web framework:
 * the body check and the shape of refusals. server/endorsement-post.ts answers the request with these.
 */
import type { EndorsementError } from "../models/endorsements.server";

export const MAX_BODY_BYTES = 16 * 1024;

export const NOT_SIGNED_IN = "Sign in or send a personal access token (Authorization: Bearer …).";

export type BodyCheck = { ok: true; body: unknown } | { ok: false; error: string };

export const isJsonContentType = (type: string | undefined): boolean => /^application\/([a-z.+-]*\+)?json\s*(;|$)/i.test(type ?? "");

/** The parsed JSON body, or why it is refused (the API answers 400 with these words). */
export function parseJsonBody(contentType: string | undefined, text: string): BodyCheck {
  if (!isJsonContentType(contentType)) return { ok: false, error: "Send the endorsement as JSON (Content-Type: application/json)." };
  if (Buffer.byteLength(text) > MAX_BODY_BYTES) return { ok: false, error: "The body is too large." };
  try {
    return { ok: true, body: JSON.parse(text) as unknown };
  } catch {
    return { ok: false, error: "The body is not valid JSON." };
  }
}

/** A refusal as the API answers it: `{error, fields?}` with its status (and Retry-After for 429). */
export function refusal(error: EndorsementError): { status: number; body: { error: string; fields?: Record<string, string> }; headers: Record<string, string> } {
  const { form, ...fields } = error.fields ?? {};
  const body: { error: string; fields?: Record<string, string> } = { error: form ?? error.message };
  if (Object.keys(fields).length > 0) body.fields = fields;
  return { status: error.status, body, headers: error.retryAfterSeconds ? { "Retry-After": String(error.retryAfterSeconds) } : {} };
}
