import { createInterface } from 'node:readline/promises';
import type { CommandIo } from '../command.js';
import { UsageError } from '../command.js';

/** Asks questions on the terminal, one line per answer. */
export interface Prompter {
  /**
   * Asks until `validate` accepts the answer (it returns the problem, or undefined); an empty
   * answer takes `fallback` when there is one, and is accepted as it is when `optional`.
   */
  ask(
    question: string,
    options?: { fallback?: string; optional?: boolean; validate?: (answer: string) => string | undefined },
  ): Promise<string>;
  /** Yes or no; an empty answer takes `fallback`. */
  confirm(question: string, fallback: boolean): Promise<boolean>;
  close(): void;
}

const MAX_TRIES = 5;

/** True when the command may ask: standard input is a terminal and `--yes` was not given. */
export function canPrompt(io: CommandIo, yes: boolean | undefined): boolean {
  return yes !== true && (io.stdin as { isTTY?: boolean }).isTTY === true;
}

export function createPrompter(io: CommandIo): Prompter {
  // Questions go to standard error, so that standard output holds only the result (or JSON).
  const lines = createInterface({ input: io.stdin, terminal: false });
  const answers = lines[Symbol.asyncIterator]();
  const read = async (question: string): Promise<string> => {
    io.stderr.write(question);
    const next = await answers.next();
    if (next.done === true)
      throw new UsageError(`no answer to "${question.trim()}" — pass the values as flags (see --help)`);
    return String(next.value).trim();
  };
  return {
    ask: async (question, options = {}) => {
      const suffix =
        options.fallback === undefined || options.fallback === '' ? '' : ` (${options.fallback})`;
      for (let attempt = 1; ; attempt++) {
        const answer = (await read(`${question}${suffix}: `)) || (options.fallback ?? '');
        if (answer === '' && options.optional === true) return answer;
        const problem = answer === '' ? 'an answer is needed' : options.validate?.(answer);
        if (problem === undefined) return answer;
        if (attempt >= MAX_TRIES) throw new UsageError(`${question}: ${problem}`);
        io.stderr.write(`  ${problem}\n`);
      }
    },
    confirm: async (question, fallback) => {
      for (;;) {
        const answer = (await read(`${question} ${fallback ? '[Y/n]' : '[y/N]'} `)).toLowerCase();
        if (answer === '') return fallback;
        if (['y', 'yes'].includes(answer)) return true;
        if (['n', 'no'].includes(answer)) return false;
        io.stderr.write('  answer y or n\n');
      }
    },
    close: () => lines.close(),
  };
}
