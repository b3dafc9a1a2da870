/** Validate form posts and JSON bodies with zod; errors come back per field, in words people understand. */
import type { z } from "zod";

export type FieldErrors = Record<string, string>;
export type Parsed<T> = { ok: true; data: T } | { ok: false; fieldErrors: FieldErrors };

export function parseWith<S extends z.ZodType>(schema: S, input: unknown): Parsed<z.infer<S>> {
  const result = schema.safeParse(input);
  if (result.success) return { ok: true, data: result.data };
  const fieldErrors: FieldErrors = {};
  for (const issue of result.error.issues) {
    const key = String(issue.path[0] ?? "form");
    fieldErrors[key] ??= issue.message;
  }
  return { ok: false, fieldErrors };
}

/** Form data as a plain object of strings (files and repeated keys are ignored). */
export function formToObject(form: FormData): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of form.entries()) if (typeof value === "string" && !(key in out)) out[key] = value;
  return out;
}

export async function parseForm<S extends z.ZodType>(request: Request, schema: S): Promise<Parsed<z.infer<S>>> {
  let form: FormData;
  try {
    form = await request.formData();
  } catch {
    return { ok: false, fieldErrors: { form: "The form could not be read. Please try again." } };
  }
  return parseWith(schema, formToObject(form));
}
