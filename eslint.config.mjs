// Type-checked rules catch the async mistakes that matter in Functions: a floating promise outlives its invocation.
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  // test/clients/typedClient is type-checked by its test, against types generated from the live document;
  // .tools holds programs the tests install (PowerShell).
  {
    ignores: [
      "dist/**",
      "node_modules/**",
      "coverage/**",
      "infra/**",
      "**/*.mjs",
      "**/*.js",
      "test/clients/typedClient/**",
      ".tools/**",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/return-await": ["error", "in-try-catch"],
      eqeqeq: ["error", "always", { null: "ignore" }],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
    },
  },
);
