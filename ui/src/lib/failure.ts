// One failure type for the kiosk and the portal. Both Rust sides answer a failure with
// `{code, message}`: the code is stable and picks the words a person reads (`error.<code>` in
// the app's catalogue); the message is English for staff and logs, and is never shown.

export class Failure<Code extends string = string> extends Error {
  readonly code: Code;
  /** The HTTP status when the failure is the cloud's answer; `null` for the kiosk's commands. */
  readonly status: number | null;

  constructor(code: Code, message: string, status: number | null = null) {
    super(message);
    this.name = 'Failure';
    this.code = code;
    this.status = status;
  }

  /** The catalogue entry a person reads for this failure: plain words, never internals. */
  get messageKey(): `error.${Code}` {
    return `error.${this.code}`;
  }
}

/** The codes one Rust side sends, and the one that stands for anything else. */
export interface FailureCodes<Code extends string> {
  readonly known: readonly Code[];
  readonly otherwise: Code;
}

/**
 * Turns whatever a call was rejected with into a `Failure`: a `{code, message}` keeps a known
 * code and its message, an unknown code or anything else (a bare string, a thrown `Error`)
 * becomes `codes.otherwise` with what text there is.
 */
export function toFailure<Code extends string>(
  rejection: unknown,
  codes: FailureCodes<Code>,
  status: number | null = null,
): Failure<Code> {
  const isCode = (code: unknown): code is Code =>
    code === codes.otherwise || (codes.known as readonly unknown[]).includes(code);
  if (rejection instanceof Failure && isCode(rejection.code)) return rejection as Failure<Code>;
  if (typeof rejection === 'object' && rejection !== null && 'code' in rejection) {
    const { code, message } = rejection as { code: unknown; message?: unknown };
    const text = typeof message === 'string' ? message : String(code);
    return new Failure(isCode(code) ? code : codes.otherwise, text, status);
  }
  const text = rejection instanceof Error ? rejection.message : String(rejection);
  return new Failure(codes.otherwise, text, status);
}
