// Lint: typescript-eslint (recommended), React hooks rules, and jsx-a11y for accessible markup.
import tseslint from "typescript-eslint";
import reactHooks from "eslint-plugin-react-hooks";
import jsxA11y from "eslint-plugin-jsx-a11y";
import globals from "globals";
import i18next from "eslint-plugin-i18next";

export default tseslint.config(
  { ignores: ["build/**", "public/build/**", "node_modules/**", ".cache/**", ".data/**", ".test-data/**"] },
  ...tseslint.configs.recommended,
  {
    files: ["**/*.{ts,tsx}"],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    plugins: { "react-hooks": reactHooks, "jsx-a11y": jsxA11y },
    rules: {
      ...reactHooks.configs.recommended.rules,
      ...jsxA11y.flatConfigs.recommended.rules,
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_", caughtErrors: "none" }],
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      "no-restricted-syntax": [
        "error",
        { selector: "CallExpression[callee.property.name='unsafe'][arguments.0.type!='Literal'][arguments.0.type!='TemplateLiteral'][arguments.0.type!='Identifier']", message: "sql.unsafe only with constant text" },
      ],
      "jsx-a11y/no-autofocus": "off",
    },
  },
  // Issue 15: the app translates with its own small translator (app/i18n/instance.ts, ADR 0010); i18next is a
  // devDependency, only for the test that compares the two.
  {
    files: ["app/**/*.{ts,tsx}", "server/**/*.ts"],
    rules: {
      "no-restricted-imports": ["error", { paths: [{ name: "i18next", message: "Use app/i18n/instance.ts (ADR 0010): i18next is only the oracle of tests/unit/translate.test.ts." }] }],
    },
  },
  // Issue 14: every word a person reads goes through the translator (app/i18n). Text in JSX and the attributes people read
  // (labels, titles, placeholders, alternatives) must be `t("namespace:key")`. A file not yet converted says so with
  // an `eslint-disable i18next/no-literal-string -- I18N_TODO` comment at its top.
  {
    files: ["app/**/*.tsx"],
    plugins: { i18next },
    rules: {
      "i18next/no-literal-string": [
        "error",
        {
          mode: "jsx-only",
          "jsx-attributes": { include: ["aria-label", "aria-description", "aria-roledescription", "aria-valuetext", "title", "placeholder", "alt", "label"], exclude: [] },
          "jsx-components": { include: [], exclude: ["Trans", "code", "kbd", "samp", "pre"] },
          callees: { exclude: ["t", "i18n(ext)?", "require", "includes", "indexOf", "endsWith", "startsWith", "classNames", "cx"] },
        },
      ],
    },
  },
);
