import {
  ConnectorError,
  type ErrorCode,
  type SerializedConnectorError,
  toConnectorError,
  type ValidationIssue,
} from '@connectorkit/core';
import type { StepKind } from './definition.js';

export interface FlowErrorOptions {
  /** The flow that failed. */
  readonly flow: string;
  /** The id of the step that failed (its own id, or a generated one such as `call-3`). */
  readonly step?: string | undefined;
  readonly kind?: StepKind | undefined;
  /** The run that failed. */
  readonly runId?: string | undefined;
}

/** What a `FlowError` adds to a serialised `ConnectorError`. */
export interface SerializedFlowError extends SerializedConnectorError {
  flow: string;
  step?: string;
  kind?: StepKind;
}

/**
 * A flow run failed. It is a `ConnectorError` (same closed set of codes, `retryable` and
 * `cause`) that also names the flow and the step; the message reads
 * "flow 'orders', step 'fetch': NOT_FOUND …".
 */
export class FlowError extends ConnectorError {
  readonly flow: string;
  readonly step: string | undefined;
  readonly kind: StepKind | undefined;
  readonly runId: string | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    options: FlowErrorOptions & { cause?: unknown; retryable?: boolean },
  ) {
    const cause = options.cause;
    const inner = isConnectorErrorLike(cause) ? cause : undefined;
    super(code, message, {
      cause,
      retryable: options.retryable ?? inner?.retryable,
      retryAfterMs: inner?.retryAfterMs,
      connector: inner?.connector,
      action: inner?.action,
      connection: inner?.connection,
      path: inner?.path,
      issues: inner?.issues,
      status: inner?.status,
      vendorCode: inner?.vendorCode,
    });
    this.flow = options.flow;
    this.step = options.step;
    this.kind = options.kind;
    this.runId = options.runId;
  }

  /**
   * Wraps what a step threw: the code, retryability and details of the underlying
   * `ConnectorError` are kept, the message names the flow and the step.
   */
  static fromStep(error: unknown, options: FlowErrorOptions): FlowError {
    const cause = toConnectorError(error);
    const where =
      options.step === undefined
        ? `flow '${options.flow}'`
        : `flow '${options.flow}', step '${options.step}'`;
    return new FlowError(cause.code, `${where}: ${cause.message}`, { ...options, cause });
  }

  override toJSON(): SerializedFlowError {
    return {
      ...super.toJSON(),
      flow: this.flow,
      ...(this.step === undefined ? {} : { step: this.step }),
      ...(this.kind === undefined ? {} : { kind: this.kind }),
    };
  }
}

function isConnectorErrorLike(value: unknown): value is ConnectorError {
  return value instanceof ConnectorError;
}

export function isFlowError(value: unknown): value is FlowError {
  return value instanceof FlowError;
}

/** One problem found in a flow file, with where it is. */
export interface FlowProblem {
  /** The file (relative to the working folder when possible), or the flow name for flows built in code. */
  readonly file: string;
  /** 1-based; 0 when unknown. */
  readonly line: number;
  /** 1-based; 0 when unknown. */
  readonly column: number;
  readonly message: string;
}

/** `file:line:column` of a problem. */
export function problemLocation(problem: FlowProblem): string {
  return problem.line === 0 ? problem.file : `${problem.file}:${problem.line}:${problem.column}`;
}

/**
 * A flow could not be loaded: every problem found, each with file, line and column. An
 * `INVALID_CONFIG` `ConnectorError`; `issues` lists the problems (path = `file:line:column`).
 */
export class FlowLoadError extends ConnectorError {
  readonly problems: readonly FlowProblem[];

  constructor(problems: readonly FlowProblem[]) {
    const first = problems[0];
    const more =
      problems.length > 1
        ? ` (and ${problems.length - 1} more problem${problems.length > 2 ? 's' : ''})`
        : '';
    super(
      'INVALID_CONFIG',
      first === undefined ? 'the flow is not valid' : `${problemLocation(first)}: ${first.message}${more}`,
      {
        issues: problems.map(
          (problem): ValidationIssue => ({ path: problemLocation(problem), message: problem.message }),
        ),
      },
    );
    this.problems = problems;
  }
}
