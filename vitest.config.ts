import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['__tests__/**/*.test.ts'],
          exclude: ['__tests__/e2e/**', '**/node_modules/**'],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['__tests__/e2e/*.test.ts'],
          environment: 'node',
          // The lock is a machine-wide file: end-to-end runs of the action must never overlap.
          fileParallelism: false,
          sequence: { concurrent: false },
          testTimeout: 180_000,
          hookTimeout: 180_000,
          globalSetup: ['__tests__/e2e/global-setup.ts'],
        },
      },
    ],
  },
})
