import { defineConfig } from "vitest/config";

// `npm run test:package` (and .ci/run): the packed package in fresh consumer projects
// (test/package/). Kept out of `npm test` because it builds the package first (~2–3 min).
export default defineConfig({
  test: {
    include: ["test/package/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 300_000,
  },
});
