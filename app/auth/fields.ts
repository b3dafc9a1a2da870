/**
 * zod rules for account fields, shared by forms and the CLI. Their messages are codes (app/auth/field-problems.ts),
 * said in words by app/auth/field-words.ts: the reader's language on pages, English in the CLI.
 */
import { z } from "zod";
import type { FieldProblem } from "./field-problems";

const code = (problem: FieldProblem) => problem;

export const nameField = z
  .string({ message: code("nameMissing") })
  .trim()
  .min(1, code("nameMissing"))
  .max(120, code("nameTooLong"))
  .refine((v) => !/[\u0000-\u001f\u007f]/.test(v), code("nameControl"));

export const emailField = z
  .string({ message: code("emailMissing") })
  .trim()
  .min(1, code("emailMissing"))
  .max(254, code("emailTooLong"))
  .email(code("emailInvalid"))
  .transform((v) => v.toLowerCase());

/** Presence and bounds only: strength rules live in password.server.ts (they need the name and e-mail). */
export const passwordField = z
  .string({ message: code("passwordMissing") })
  .min(1, code("passwordMissing"))
  .max(1024, code("passwordTooLong"));
