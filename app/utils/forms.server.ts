/**
 * Validate form posts and JSON bodies with zod; errors come back per field. `parseWith` gives the rules' messages as
 * they are (an account field's is a code: app/auth/field-problems.ts); `parseForm` and `readForm` read a posted form
 * and say every message, the unreadable form's too, in the reader's language (app/auth/field-words.ts).
 */
import type { z } from "zod";
import { fieldErrorsIn, fieldProblemWords } from "../auth/field-words";
import type { Translate } from "../i18n/instance";

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

/** The posted form as a plain object of strings, or null when the body cannot be read as a form. */
export async function readFormFields(request: Request): Promise<Record<string, string> | null> {
  try {
    return formToObject(await request.formData());
  } catch {
    return null;
  }
}

/** A posted form checked in one step: the data, or every field's problem in the language of `t`. */
export async function parseForm<S extends z.ZodType>(request: Request, schema: S, t: Translate): Promise<Parsed<z.infer<S>>> {
  const fields = await readFormFields(request);
  if (!fields) return { ok: false, fieldErrors: { form: fieldProblemWords(t, "formUnreadable") } };
  const parsed = parseWith(schema, fields);
  return parsed.ok ? parsed : { ok: false, fieldErrors: fieldErrorsIn(t, parsed.fieldErrors) };
}

/** A posted form read and checked in one step: the data, or every field's problem and the first one, in the language of `t`. */
export type ReadForm<T> =
  | { ok: true; data: T; fields: Record<string, string> }
  | { ok: false; fieldErrors: FieldErrors; firstError: string; fields: Record<string, string> };

export async function readForm<S extends z.ZodType>(request: Request, schema: S, t: Translate): Promise<ReadForm<z.infer<S>>> {
  const fields = await readFormFields(request);
  if (!fields) {
    const unreadable = fieldProblemWords(t, "formUnreadable");
    return { ok: false, fieldErrors: { form: unreadable }, firstError: unreadable, fields: {} };
  }
  const parsed = parseWith(schema, fields);
  if (parsed.ok) return { ok: true, data: parsed.data, fields };
  const fieldErrors = fieldErrorsIn(t, parsed.fieldErrors);
  return { ok: false, fieldErrors, firstError: Object.values(fieldErrors)[0] ?? fieldProblemWords(t, "formCheck"), fields };
}
