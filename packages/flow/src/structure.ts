import type { ValuePath } from './expression.js';

/** A list of steps nested in a step (a branch, a loop body, a handler). */
export interface NestedList {
  /** Where the list is, relative to the step. */
  readonly path: ValuePath;
  readonly steps: readonly unknown[];
  /** `then`, `else`, `case 1`, `default`, `steps`, `try`, `catch`, `finally` or a branch name. */
  readonly label: string;
}

/** The step lists nested in a (raw) step, in the order they are written and numbered. */
export function nestedStepLists(step: Readonly<Record<string, unknown>>): NestedList[] {
  const lists: NestedList[] = [];
  const add = (path: ValuePath, value: unknown, label: string): void => {
    if (Array.isArray(value)) lists.push({ path, steps: value, label });
  };
  add(['then'], step.then, 'then');
  add(['else'], step.else, 'else');
  if (Array.isArray(step.cases)) {
    for (const [index, entry] of step.cases.entries()) {
      add(['cases', index, 'steps'], (entry as { steps?: unknown } | null)?.steps, `case ${index + 1}`);
    }
  }
  add(['default'], step.default, 'default');
  add(['steps'], step.steps, 'steps');
  add(['try'], step.try, 'try');
  add(['catch'], step.catch, 'catch');
  add(['finally'], step.finally, 'finally');
  if (step.parallel !== null && typeof step.parallel === 'object' && !Array.isArray(step.parallel)) {
    for (const [branch, value] of Object.entries(step.parallel)) add(['parallel', branch], value, branch);
  }
  return lists;
}
