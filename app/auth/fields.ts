/** zod rules for account fields, shared by forms, the API and the CLI. */
import { z } from "zod";

export const nameField = z
  .string({ message: "Enter your name." })
  .trim()
  .min(1, "Enter your name.")
  .max(120, "Use at most 120 characters.")
  .refine((v) => !/[\u0000-\u001f\u007f]/.test(v), "Remove control characters from your name.");

export const emailField = z
  .string({ message: "Enter your e-mail address." })
  .trim()
  .min(1, "Enter your e-mail address.")
  .max(254, "That e-mail address is too long.")
  .email("Enter an e-mail address like name@example.org.")
  .transform((v) => v.toLowerCase());

/** Presence and bounds only: strength rules live in password.server.ts (they need the name and e-mail). */
export const passwordField = z
  .string({ message: "Enter a password." })
  .min(1, "Enter a password.")
  .max(1024, "That password is too long.");
