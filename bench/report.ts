/**
 * The results: an aligned plain-text table for the terminal and the same as Markdown, with each
 * row's throughput relative to the direct baseline and the two comparison lines per query.
 */
import type { Measurement } from './load.js';

export type TargetId = 'single' | 'split' | 'hive' | 'direct';

export const TARGET_LABELS: Record<TargetId, string> = {
  single: 'single-process (cloudfed serve)',
  split: 'split, our gateway',
  hive: 'split, Hive Gateway (router-runtime)',
  direct: 'direct: vms subgraph alone',
};

export interface Row {
  query: string;
  target: TargetId;
  measurement: Measurement;
}

const HEADER = [
  'query',
  'target',
  'req/s',
  'p50 ms',
  'p99 ms',
  'req/s vs direct',
  'CPU ms/req',
  'CPU vs direct',
];
/** Right-aligned columns (numbers). */
const NUMERIC = [false, false, true, true, true, true, true, true];

export function tableLines(rows: readonly Row[], labels: Record<TargetId, string>): string[][] {
  const direct = new Map(
    rows.filter((row) => row.target === 'direct').map((row) => [row.query, row.measurement]),
  );
  return rows.map((row) => {
    const base = direct.get(row.query);
    const m = row.measurement;
    return [
      row.query,
      labels[row.target] + (m.failures ? ` (${m.failures} failed!)` : ''),
      m.rps.toFixed(1),
      m.p50.toFixed(1),
      m.p99.toFixed(1),
      base && base.rps > 0 ? `${(m.rps / base.rps).toFixed(2)}×` : '–',
      Number.isFinite(m.cpuMsPerRequest) ? m.cpuMsPerRequest.toFixed(1) : '–',
      base && Number.isFinite(base.cpuMsPerRequest) && Number.isFinite(m.cpuMsPerRequest)
        ? `${(m.cpuMsPerRequest / base.cpuMsPerRequest).toFixed(2)}×`
        : '–',
    ];
  });
}

/**
 * Per query, by throughput and by CPU cost (the capacity a target has when it is the only work on
 * the machine): is single-process at least twice as efficient as every gateway, and ours ahead of
 * Hive's?
 */
export function verdicts(rows: readonly Row[]): { query: string; lines: string[] }[] {
  const queries = [...new Set(rows.map((row) => row.query))];
  return queries.map((query) => {
    const of = (target: TargetId) =>
      rows.find((row) => row.query === query && row.target === target)?.measurement;
    const answer = (ok: boolean | undefined) => (ok === undefined ? 'n/a' : ok ? 'yes' : 'no');
    // Both figures as "more is better": requests per second, and requests per CPU second.
    const figures = [
      { name: 'req/s', value: (m: Measurement | undefined) => m?.rps },
      {
        name: 'requests per CPU second',
        value: (m: Measurement | undefined) =>
          m && Number.isFinite(m.cpuMsPerRequest) && m.cpuMsPerRequest > 0
            ? 1000 / m.cpuMsPerRequest
            : undefined,
      },
    ];
    return {
      query,
      lines: figures.flatMap(({ name, value }) => {
        const single = value(of('single'));
        const split = value(of('split'));
        const hive = value(of('hive'));
        const gateways = [split, hive].filter((figure): figure is number => figure !== undefined);
        return [
          `single-process ≥ 2× every gateway row (${name}): ${answer(
            single === undefined || gateways.length === 0
              ? undefined
              : gateways.every((figure) => single >= 2 * figure),
          )}`,
          `our split gateway ahead of Hive Gateway (${name}): ${answer(
            split === undefined || hive === undefined ? undefined : split > hive,
          )}`,
        ];
      }),
    };
  });
}

export function renderText(rows: readonly Row[], labels: Record<TargetId, string>): string {
  const body = tableLines(rows, labels);
  const widths = HEADER.map((head, column) =>
    Math.max(head.length, ...body.map((cells) => cells[column]!.length)),
  );
  const format = (cells: string[]) =>
    cells
      .map((cell, column) =>
        NUMERIC[column] ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!),
      )
      .join('  ');
  const out = [format(HEADER), widths.map((width) => '-'.repeat(width)).join('  ')];
  let previous: string | undefined;
  body.forEach((cells) => {
    if (previous !== undefined && cells[0] !== previous) out.push('');
    previous = cells[0];
    out.push(format(cells));
  });
  out.push('');
  for (const { query, lines } of verdicts(rows)) for (const line of lines) out.push(`${query}: ${line}`);
  return out.map((line) => line.trimEnd()).join('\n');
}

export function renderMarkdown(
  rows: readonly Row[],
  labels: Record<TargetId, string>,
  context: { title: string; notes: string[] },
): string {
  const escape = (cell: string) => cell.replace(/\|/g, '\\|');
  const body = tableLines(rows, labels);
  const out = [
    `# ${context.title}`,
    '',
    ...context.notes.map((note) => `- ${note}`),
    '',
    `| ${HEADER.join(' | ')} |`,
    `| ${NUMERIC.map((numeric) => (numeric ? '---:' : '---')).join(' | ')} |`,
    ...body.map((cells) => `| ${cells.map(escape).join(' | ')} |`),
    '',
  ];
  for (const { query, lines } of verdicts(rows)) {
    out.push(`**${escape(query)}**`, '', ...lines.map((line) => `- ${line}`), '');
  }
  return out.join('\n');
}

export type { Measurement };
