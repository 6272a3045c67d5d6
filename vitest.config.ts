import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // Integration tests start real processes and share Redis/RabbitMQ; two workers match the 2-core machine.
    pool: 'forks',
    maxWorkers: 2,
  },
});
