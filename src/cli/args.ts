// Typed command-line options over node:util's parseArgs: kebab-case flags, numbers checked,
// choices enforced, unknown options rejected, and --help generated from the same table.
import { parseArgs } from 'node:util';

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

interface Base {
  help: string;
}
export type OptionSpec =
  | (Base & { type: 'string'; choices?: readonly string[] })
  | (Base & { type: 'number'; integer?: boolean; min?: number })
  | (Base & { type: 'boolean' });

export type OptionTable = Record<string, OptionSpec>;

type ValueOf<S extends OptionSpec> = S extends { type: 'number' } ? number : S extends { type: 'boolean' } ? boolean : string;
export type Parsed<T extends OptionTable> = { [K in keyof T]?: ValueOf<T[K]> };

const kebab = (name: string) => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

export function parseOptions<T extends OptionTable>(command: string, argv: string[], table: T): Parsed<T> {
  const options: Record<string, { type: 'string' | 'boolean' }> = {};
  for (const [name, spec] of Object.entries(table)) options[kebab(name)] = { type: spec.type === 'boolean' ? 'boolean' : 'string' };
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({ args: argv, options, strict: true, allowPositionals: false }) as { values: Record<string, string | boolean | undefined> });
  } catch (e) {
    // Node's message may go on with the fix (`--seed=-5` for a value starting with a dash).
    throw new UsageError(`${command}: ${(e as Error).message.split('\n').join(' ')} (see --help)`);
  }
  const out: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(table)) {
    const flag = `--${kebab(name)}`;
    const raw = values[kebab(name)];
    if (raw === undefined) continue;
    if (spec.type === 'boolean') out[name] = raw;
    else if (spec.type === 'string') {
      if (spec.choices && !spec.choices.includes(raw as string)) throw new UsageError(`${command}: ${flag} must be one of ${spec.choices.join(', ')}; got '${raw}'`);
      out[name] = raw;
    } else {
      const n = Number(raw);
      if ((raw as string).trim() === '' || !Number.isFinite(n)) throw new UsageError(`${command}: ${flag} expects a number, got '${raw}'`);
      if (spec.integer && !Number.isInteger(n)) throw new UsageError(`${command}: ${flag} expects a whole number, got '${raw}'`);
      if (spec.min !== undefined && n < spec.min) throw new UsageError(`${command}: ${flag} must be at least ${spec.min}, got ${n}`);
      out[name] = n;
    }
  }
  return out as Parsed<T>;
}

/** `footer`: more text after the options (a table of defaults, say). */
export function helpText(command: string, summary: string, table: OptionTable, footer = ''): string {
  const rows = Object.entries(table).map(([name, spec]) => {
    const arg = spec.type === 'boolean' ? '' : spec.type === 'string' && spec.choices ? ` <${spec.choices.join('|')}>` : spec.type === 'number' ? ' <n>' : ' <value>';
    return [`  --${kebab(name)}${arg}`, spec.help];
  });
  const width = Math.max(...rows.map(([l]) => l.length)) + 2;
  return `Usage: npm run cli -- ${command} [options]\n\n${summary}\n\nOptions:\n${rows.map(([l, h]) => l.padEnd(width) + h).join('\n')}\n  --help${' '.repeat(Math.max(1, width - 8))}this text\n${footer && `\n${footer}`}`;
}
