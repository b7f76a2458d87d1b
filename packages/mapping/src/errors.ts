import { ConnectorError, type ErrorCode, type ValidationIssue } from '@connectorkit/core';

/**
 * Why a mapping operation failed, declared once. Each reason maps onto one `ConnectorError` code.
 */
export const MAPPING_ERROR_REASONS = {
  /** The mapping file is wrong (YAML, unknown keys, bad JSONata, missing definitions). */
  MAPPING_INVALID: 'INVALID_CONFIG',
  /** A message definition (JSON Schema, sample or XSD) cannot be read or is wrong. */
  DEFINITION_INVALID: 'INVALID_CONFIG',
  /** The XSD uses a construct this package does not translate. */
  DEFINITION_UNSUPPORTED: 'UNSUPPORTED',
  /**
   * The XML text is not well-formed, or names an element or attribute after a JavaScript object
   * member (`constructor`, `__proto__`, `toString`, …).
   */
  XML_MALFORMED: 'INVALID_INPUT',
  /** The XML carries a DOCTYPE (DTDs, and with them entity expansion, are refused). */
  XML_DOCTYPE: 'INVALID_INPUT',
  /** The XML text is larger than the size limit. */
  XML_TOO_LARGE: 'INVALID_INPUT',
  /** The XML nests deeper than the depth limit. */
  XML_TOO_DEEP: 'INVALID_INPUT',
  /** The XML has more elements than the element limit. */
  XML_TOO_MANY_ELEMENTS: 'INVALID_INPUT',
  /** The XML root element is not the one the definition describes. */
  XML_WRONG_ROOT: 'INVALID_INPUT',
  /**
   * The XML breaks its XSD in a way its value cannot hold: an element or attribute the XSD does
   * not declare at its place or declares in another namespace, or an element repeated where the
   * XSD allows one (see `violations`).
   */
  XML_INVALID: 'INVALID_INPUT',
  /** A mapping ran and found violations (see `violations`). */
  MAPPING_FAILED: 'INVALID_INPUT',
} as const satisfies Record<string, ErrorCode>;

export type MappingErrorReason = keyof typeof MAPPING_ERROR_REASONS;

/** What kind of rule a value broke while being mapped. */
export type ViolationKind =
  /** The source value is missing or null and the rule says `missing: error`. */
  | 'missing'
  /** The source value cannot be converted to the target type. */
  | 'conversion'
  /** The source value is not in the field's value map. */
  | 'value-map'
  /** A JSONata expression failed. */
  | 'expression'
  /** The mapped value breaks the target schema. */
  | 'schema'
  /**
   * The XML message itself breaks its XSD where its value cannot hold it (an undeclared element
   * or attribute, one in another namespace than declared, a repeated single element). Nothing
   * was mapped, so `targetPath` is `$`.
   */
  | 'structure';

/** One problem found while mapping a message, with where it came from and where it went. */
export interface Violation {
  readonly kind: ViolationKind;
  /** JSONPath into the input (`$.line[2].quantity`); `undefined` when no source value is involved. */
  readonly sourcePath: string | undefined;
  /** JSONPath into the output (`$.lines[2].quantity`). */
  readonly targetPath: string;
  readonly message: string;
}

export interface MappingErrorOptions {
  /** JSONPath or `file:line:column` of the (first) problem. */
  readonly path?: string | undefined;
  /** Mapping violations, each with source and target path. */
  readonly violations?: readonly Violation[] | undefined;
  /** Located problems in a mapping or definition file (path = `file:line:column`). */
  readonly issues?: readonly ValidationIssue[] | undefined;
  readonly cause?: unknown;
}

/**
 * The error of `@connectorkit/mapping`: a `ConnectorError` whose `code` follows from its
 * `reason`, carrying every violation (source and target path) or every located file problem.
 *
 * @example
 * if (error instanceof MappingError && error.reason === 'XML_DOCTYPE') reject(message);
 */
export class MappingError extends ConnectorError {
  readonly reason: MappingErrorReason;
  readonly violations: readonly Violation[];

  constructor(reason: MappingErrorReason, message: string, options: MappingErrorOptions = {}) {
    const violations = options.violations ?? [];
    super(MAPPING_ERROR_REASONS[reason], message, {
      path: options.path ?? violations[0]?.targetPath,
      issues:
        options.issues ??
        (violations.length > 0
          ? violations.map((violation) => ({
              path: violation.targetPath,
              message:
                violation.sourcePath === undefined
                  ? violation.message
                  : `${violation.message} (from ${violation.sourcePath})`,
            }))
          : undefined),
      cause: options.cause,
    });
    this.reason = reason;
    this.violations = violations;
  }
}

export function isMappingError(value: unknown): value is MappingError {
  return value instanceof MappingError;
}

/** `['lines', 0, 'sku']` → `$.lines[0].sku` */
export function jsonPath(segments: readonly (string | number)[]): string {
  let text = '$';
  for (const segment of segments) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(segment)) text += `.${segment}`;
    else text += `[${JSON.stringify(segment)}]`;
  }
  return text;
}
