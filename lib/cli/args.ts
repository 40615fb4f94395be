// Command-line conventions shared by every CLI: one parser (node:util parseArgs, strict: unknown options, missing
// values and stray arguments are errors), --help printing the usage and each option, values checked where they are
// read (integers in decimal digits only, numbers as plain decimals, choices from a list, comma lists without empty
// items), and every failure printed as one line `<cli>: <message>` without a stack trace, exit status 1.
import { parseArgs } from 'node:util';

export interface CliOption {
  type: 'string' | 'boolean';
  /** placeholder of the value in the help text, e.g. 'DIR' */
  value?: string;
  help: string;
}

export interface CliSpec {
  /** the npm script, e.g. 'train' */
  name: string;
  /** one line after `npm run <name> --`, e.g. '--stage STAGE [options]' */
  usage: string;
  /** what the command does, printed under the usage */
  summary: string;
  options: Record<string, CliOption>;
  /** what positional arguments mean (none are accepted without it) */
  positionals?: string;
}

export type CliValues = Record<string, string | boolean | undefined>;

/** The help text of a CLI: usage, summary, one line per option. */
export function helpText(spec: CliSpec): string {
  const rows = Object.entries(spec.options).map(([k, o]) => [`--${k}${o.value ? ` ${o.value}` : ''}`, o.help]);
  rows.push(['--help', 'print this help and exit']);
  const width = Math.max(...rows.map(([l]) => l.length)) + 2;
  return `${[
    `usage: npm run ${spec.name} -- ${spec.usage}`,
    '',
    spec.summary,
    ...(spec.positionals ? ['', spec.positionals] : []),
    '',
    ...rows.map(([l, h]) => `  ${l.padEnd(width)}${h}`),
  ].join('\n')}\n`;
}

/** Parses argv; prints the help and returns null on --help. Errors name the option and point at --help. */
export function parseCli(spec: CliSpec, argv: string[]): { values: CliValues; positionals: string[] } | null {
  const options = Object.fromEntries(Object.entries(spec.options).map(([k, o]) => [k, { type: o.type }]));
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: argv,
      options: { ...options, help: { type: 'boolean' } },
      strict: true,
      allowPositionals: true,
    });
  } catch (e) {
    throw new Error(`${oneLine((e as Error).message)} (see npm run ${spec.name} -- --help)`);
  }
  if (parsed.values.help) {
    process.stdout.write(helpText(spec));
    return null;
  }
  if (parsed.positionals.length && !spec.positionals) {
    throw new Error(`unexpected argument '${parsed.positionals[0]}' (see npm run ${spec.name} -- --help)`);
  }
  const values = parsed.values as CliValues;
  delete values.help;
  return { values, positionals: parsed.positionals };
}

/** A whole number written in decimal digits (no 1e3, 0x10, 1.0), at least `min`, a safe integer. */
export function integerArg(flag: string, text: string | undefined, min = 1): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!/^-?\d+$/.test(text.trim()) || !Number.isSafeInteger(n) || n < min) {
    throw new Error(`--${flag} must be a whole number >= ${min} written in digits, got '${text}'`);
  }
  return n;
}

/** A plain decimal number (no hex, no Infinity) within [min, max]. */
export function numberArg(
  flag: string,
  text: string | undefined,
  range: { min?: number; max?: number; exclusiveMin?: boolean } = {},
): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  const { min = -Infinity, max = Infinity, exclusiveMin = false } = range;
  const inRange = (exclusiveMin ? n > min : n >= min) && n <= max;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(text.trim()) || !Number.isFinite(n) || !inRange) {
    const bounds = [
      Number.isFinite(min) ? `${exclusiveMin ? '>' : '>='} ${min}` : '',
      Number.isFinite(max) ? `<= ${max}` : '',
    ]
      .filter(Boolean)
      .join(' and ');
    throw new Error(`--${flag} must be a number${bounds ? ` ${bounds}` : ''}, got '${text}'`);
  }
  return n;
}

/** One of `choices`. */
export function choiceArg<T extends string>(
  flag: string,
  text: string | undefined,
  choices: readonly T[],
): T | undefined {
  if (text === undefined) return undefined;
  if (!choices.includes(text as T)) throw new Error(`--${flag} must be one of ${choices.join(', ')}, got '${text}'`);
  return text as T;
}

/** 'a,b,c' -> ['a', 'b', 'c']; an empty item (a trailing or doubled comma) is an error. */
export function listArg(flag: string, text: string | undefined): string[] | undefined {
  if (text === undefined) return undefined;
  const items = text.split(',').map((s) => s.trim());
  const empty = items.indexOf('');
  if (empty >= 0) throw new Error(`--${flag}: item ${empty + 1} of '${text}' is empty (a stray comma?)`);
  return items;
}

/** An error message on one line (multi-line messages of node and tfjs joined). */
export function oneLine(message: string): string {
  return message
    .split('\n')
    .map((s) => s.trim())
    .filter(Boolean)
    .join(' ');
}

/**
 * Runs a CLI's main and exits: 0 on success (wasm worker threads keep a process alive otherwise), 1 on an error,
 * printed as `<name>: <message>` on one line.
 */
export function runCli(name: string, main: () => Promise<void> | void): void {
  Promise.resolve()
    .then(main)
    .then(
      () => process.exit(0),
      (e) => {
        const message = oneLine(e instanceof Error ? e.message : String(e)).replace(new RegExp(`^${name}: `), '');
        process.stderr.write(`${name}: ${message}\n`);
        process.exit(1);
      },
    );
}
