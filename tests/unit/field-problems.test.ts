/**
 * The account fields' and forms' problems are codes said in words in one place (app/auth/field-words.ts): every code
 * has words in every language, English says what it said before, and no page matches English text any more.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { inEnglish } from "../../app/auth/field-english.server";
import { FIELD_PROBLEMS, isFieldProblem, type FieldProblem } from "../../app/auth/field-problems";
import * as fieldWordsModule from "../../app/auth/field-words";
import { fieldErrorsIn, fieldProblemWords } from "../../app/auth/field-words";
import { emailField, nameField, passwordField } from "../../app/auth/fields";
import { passwordProblem } from "../../app/auth/password.server";
import { LOCALES } from "../../app/i18n/locales";
import { tFor } from "../../app/i18n/strings.server";

/** What English readers, the CLI and the API saw before the codes (they must see the same). */
const ENGLISH: Record<FieldProblem, string> = {
  nameMissing: "Enter your name.",
  nameTooLong: "Use at most 120 characters.",
  nameControl: "Remove control characters from your name.",
  emailMissing: "Enter your e-mail address.",
  emailTooLong: "That e-mail address is too long.",
  emailInvalid: "Enter an e-mail address like name@example.org.",
  passwordMissing: "Enter a password.",
  passwordTooLong: "That password is too long.",
  passwordShort: "Use at least 12 characters.",
  passwordLong: "Use at most 256 characters.",
  passwordCommon: "This password is one of the most commonly used; choose another.",
  passwordRepetitive: "This password repeats too few characters; choose another.",
  passwordFromEmail: "Do not build the password from your e-mail address.",
  passwordIsName: "Do not use your name as the password.",
  currentPasswordWrong: "That is not your current password.",
  formUnreadable: "The form could not be read. Please try again.",
  formCheck: "Please check the form.",
};

const firstMessage = (result: { success: boolean; error?: { issues: { message: string }[] } }) => result.error?.issues[0]?.message;

describe("account field problems", () => {
  it("says every code in English as before", () => {
    for (const code of FIELD_PROBLEMS) expect(inEnglish(code), code).toBe(ENGLISH[code]);
  });

  for (const locale of LOCALES.filter((l) => l !== "en")) {
    it(`says every code in ${locale}, in ${locale}'s own words`, () => {
      const t = tFor(locale);
      for (const code of FIELD_PROBLEMS) {
        const words = fieldProblemWords(t, code);
        expect(words, code).not.toMatch(/^(auth|account|common):/);
        expect(words, code).not.toBe(ENGLISH[code]);
        expect(words, code).not.toContain("{{");
      }
    });
  }

  it("has the zod rules and the password rules answer with codes", () => {
    expect(firstMessage(nameField.safeParse(""))).toBe("nameMissing");
    expect(firstMessage(nameField.safeParse(42))).toBe("nameMissing");
    expect(firstMessage(nameField.safeParse("x".repeat(121)))).toBe("nameTooLong");
    expect(firstMessage(nameField.safeParse("tab\tname"))).toBe("nameControl");
    expect(firstMessage(emailField.safeParse(""))).toBe("emailMissing");
    expect(firstMessage(emailField.safeParse(`${"a".repeat(250)}@example.org`))).toBe("emailTooLong");
    expect(firstMessage(emailField.safeParse("not-an-address"))).toBe("emailInvalid");
    expect(firstMessage(passwordField.safeParse(""))).toBe("passwordMissing");
    expect(firstMessage(passwordField.safeParse("x".repeat(1025)))).toBe("passwordTooLong");
    expect(passwordProblem("short")).toBe("passwordShort");
    expect(passwordProblem("abcdefghij".repeat(26))).toBe("passwordLong");
    expect(passwordProblem("qwerty123456")).toBe("passwordCommon");
    expect(passwordProblem("abababababababab")).toBe("passwordRepetitive");
    expect(passwordProblem("rosalind.franklin-2024!", { email: "rosalind.franklin@example.org" })).toBe("passwordFromEmail");
    expect(passwordProblem("Grace Brewster Hopper", { name: "Grace Brewster Hopper" })).toBe("passwordIsName");
    expect(passwordProblem("a long and unremarkable phrase")).toBeNull();
  });

  it("puts codes in words and leaves a page's own words as they are", () => {
    const t = tFor("fr");
    expect(fieldErrorsIn(t, { name: "nameMissing", form: "formUnreadable", other: "Déjà en français." })).toEqual({
      name: "Indiquez votre nom.",
      form: "Le formulaire n’a pas pu être lu. Veuillez réessayer.",
      other: "Déjà en français.",
    });
    expect(isFieldProblem("Enter your name.")).toBe(false);
  });

  it("matches no English message any more: the old switch is gone and no code outside the locales holds the words", () => {
    expect(Object.keys(fieldWordsModule)).not.toContain("fieldWords");
    const sources = (dir: string, out: string[] = []): string[] => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) sources(path, out);
        else if (/\.(ts|tsx)$/.test(name)) out.push(path);
      }
      return out;
    };
    for (const path of [...sources("app"), ...sources("server")]) {
      const text = readFileSync(path, "utf8");
      for (const english of Object.values(ENGLISH)) expect(text.includes(english), `${path}: ${english}`).toBe(false);
    }
  });
});
