import { inspect } from 'node:util';

/**
 * The forms a secret takes on its way out — as is, URL-encoded, base64 and base64url — the
 * same forms `Redactor.text` scrubs.
 */
export function secretForms(secret: string): string[] {
  return [
    ...new Set([
      secret,
      encodeURIComponent(secret),
      Buffer.from(secret).toString('base64'),
      Buffer.from(secret).toString('base64url'),
    ]),
  ];
}

/**
 * Every way a caller may print an error the kit returned, by name: `util.inspect` with hidden
 * and symbol-keyed properties at any depth (what `console.log(error)` shows and more),
 * `JSON.stringify` and the stack — of the error and of each cause.
 */
export function printedError(error: unknown): Record<string, string> {
  const printed: Record<string, string> = {
    'util.inspect(error, { depth: null, showHidden: true })': inspect(error, {
      depth: null,
      showHidden: true,
      maxArrayLength: null,
      maxStringLength: null,
    }),
    'JSON.stringify(error)': safeJson(error),
    'String(error)': String(error),
  };
  let current: unknown = error;
  for (let depth = 0; depth < 8 && current instanceof Error; depth++) {
    const where = depth === 0 ? 'error' : `error${'.cause'.repeat(depth)}`;
    printed[`String(${where}.stack)`] = String(current.stack);
    printed[`JSON.stringify(${where})`] = safeJson(current);
    current = current.cause;
  }
  return printed;
}

/**
 * Where a secret shows when the error is printed: one `"<how it was printed>: <form>"` line
 * per leak, so that `expect(secretLeaks(error, [CANARY_SECRET])).toEqual([])` names each one.
 * Pass composed secrets too, e.g. `${user}:${password}` for HTTP basic auth.
 *
 * @example
 * const error = await kit.check('crm').catch((caught: unknown) => caught);
 * expect(secretLeaks(error, [CANARY_SECRET])).toEqual([]);
 */
export function secretLeaks(error: unknown, secrets: readonly string[]): string[] {
  const forms = secrets.flatMap(secretForms);
  const leaks: string[] = [];
  for (const [how, text] of Object.entries(printedError(error))) {
    for (const form of forms) if (text.includes(form)) leaks.push(`${how}: ${form}`);
  }
  return leaks;
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? '';
  } catch (error) {
    return `[JSON.stringify threw: ${String(error)}]`;
  }
}
