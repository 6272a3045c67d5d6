import { arch, platform, release } from 'node:os';

export interface BannerFacts {
  hostname: string;
  version: string;
  app: string;
  transport: string;
  results: string | undefined;
  concurrency: number;
  pool: string;
  queues: string[];
  tasks: string[];
  beat: boolean;
}

/** The start-up banner, laid out like Celery's so its readers find things where they expect them. */
export function formatBanner(facts: BannerFacts, now: Date): string {
  const side = [
    ' -------------- ',
    '--- ***** ----- ',
    '-- ******* ---- ',
    '- *** --- * --- ',
    '- ** ---------- ',
    '- ** ---------- ',
    '- ** ---------- ',
    '- ** ---------- ',
    '- *** --- * --- ',
    '-- ******* ---- ',
    '--- ***** ----- ',
    ' -------------- ',
  ];
  const text = [
    `${facts.hostname} v${facts.version} (celeriac)`,
    '',
    `${platform()}-${release()}-${arch()} node-${process.versions.node} ${now.toISOString().replace('T', ' ').slice(0, 19)}`,
    '',
    '[config]',
    `.> app:         ${facts.app}`,
    `.> transport:   ${facts.transport}`,
    `.> results:     ${facts.results ?? 'disabled://'}`,
    `.> concurrency: ${facts.concurrency} (${facts.pool})${facts.beat ? ' +beat' : ''}`,
    '.> task events: OFF',
    '',
    '[queues]',
  ];
  const lines = side.map((edge, i) => `${edge}${text[i] ?? ''}`.trimEnd());
  for (const queue of facts.queues) lines.push(`                .> ${queue.padEnd(16)} exchange=${queue}(direct) key=${queue}`);
  lines.push('', '[tasks]', ...facts.tasks.map((name) => `  . ${name}`), '');
  return `${lines.join('\n')}\n`;
}
