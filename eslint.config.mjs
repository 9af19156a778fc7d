// Type-checked rules catch the async mistakes that matter in Functions: a floating promise outlives its invocation.
import js from "@eslint/js";
import { readFileSync } from "node:fs";
import tseslint from "typescript-eslint";

/**
 * The layers of src/, top to bottom. A folder may import only from folders of a lower layer (and from itself), so
 * folders of one layer never import each other: api and sync are generic engines that name no kind, and kinds
 * plug into both. Nothing in src/ imports the development tools (dev/), tests or benchmarks.
 */
const LAYERS = [
  ["functions"],
  ["app"],
  ["kinds"],
  ["api", "sync"],
  ["sources", "store"],
  ["upstream", "auth"],
  ["config"],
  ["common"],
];
const OUTSIDE = ["dev", "test", "bench"];

/** A relative import of one of `folders`, from anywhere under src/ (`../store/x`, `../../sync/y`). */
const importOf = (folders) => `^(\\.\\./)+(${folders.join("|")})(/|$)`;

const layering = LAYERS.flatMap((layer, depth) =>
  layer.map((folder) => {
    const above = [...LAYERS.slice(0, depth).flat(), ...layer.filter((other) => other !== folder)];
    const below = LAYERS.slice(depth + 1).flat();
    return {
      files: [`src/${folder}/**/*.ts`],
      rules: {
        "no-restricted-imports": [
          "error",
          {
            patterns: [
              {
                regex: importOf([...above, ...OUTSIDE]),
                message: `src/${folder} may import only from ${below.join(", ") || "nothing else"} (the layers in eslint.config.mjs).`,
              },
              ...devDependencyPatterns(),
            ],
          },
        ],
      },
    };
  }),
);

/** Deployed code runs where only production dependencies are installed (`npm ci --omit=dev`). */
function devDependencyPatterns() {
  const { devDependencies } = JSON.parse(readFileSync(new URL("./package.json", import.meta.url), "utf8"));
  return [
    {
      group: Object.keys(devDependencies).flatMap((name) => [name, `${name}/*`]),
      message: "a devDependency is not installed where the app is deployed; src/ may import dependencies only.",
    },
  ];
}

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
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", ignoreRestSiblings: true }],
    },
  },
  {
    files: ["src/index.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { regex: importOf(OUTSIDE), message: "the deployed entry point may not import dev/, test/ or bench/." },
            ...devDependencyPatterns(),
          ],
        },
      ],
    },
  },
  ...layering,
);
