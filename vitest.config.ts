import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    // The fault suite (restarts, kill -9, a full disk, a soak) takes minutes of hub starts: it runs under
    // `npm run test:faults`, which sets QDH_SOAK_MINUTES, and stays out of `npm test` to keep that under 15 minutes.
    exclude: process.env.QDH_SOAK_MINUTES ? [] : ['test/faults/**'],
    globalSetup: ['test/setup/postgres.ts'],
    testTimeout: 60_000,
    // expect.poll waits for a condition; its 1 s default is shorter than one browser round trip on a loaded CI
    // machine (web.test.ts failed there on a publish that landed later, admin.test.ts on a reset answered after
    // 15 s while the run was at its busiest), so every poll gets the time a patient user would.
    expect: { poll: { timeout: 30_000, interval: 100 } },
    // A suite's first hook may seed the run's demo city for every suite of its engine (test/setup/seeded-demo.ts).
    hookTimeout: 300_000,
    // PGlite instances are heavy; two cores, so keep parallelism modest.
    maxWorkers: 2,
    // Test files of a worker share its loaded modules: importing the hub (Fastify, PGlite, ExcelJS…)
    // afresh for each of ~90 files cost 95 s of a 160 s unit-test run here, 15 s without. Files
    // therefore close what they open and leave process.env as they found it.
    isolate: false,
  },
});
