// Error types with stable codes; src/cli.ts is the one place that turns them into exit codes.

/** Documented exit codes (README "Exit codes"). */
export const EXIT = {
  OK: 0,
  /** HTTP error status, or another failure already reported on stderr. */
  FAILURE: 1,
  USAGE: 2,
  CREDENTIALS: 3,
  NETWORK: 4,
  /** Gave up after rate-limit retries. */
  RATE_LIMITED: 5,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export class XcliError extends Error {
  readonly code: string;
  readonly exitCode: ExitCode;
  /** True when the message has already been written to stderr. */
  readonly reported: boolean;

  constructor(message: string, code: string, exitCode: ExitCode, options: { cause?: unknown; reported?: boolean } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.exitCode = exitCode;
    this.reported = options.reported ?? false;
  }
}

/** Bad flags, arguments or input values (exit 2). */
export class UsageError extends XcliError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, 'XCLI_USAGE', EXIT.USAGE, options);
  }
}

/** Missing or invalid credentials, or an unreadable credential store (exit 3). */
export class CredentialsError extends XcliError {
  constructor(message: string, code = 'XCLI_AUTH', options: { cause?: unknown } = {}) {
    super(message, code, EXIT.CREDENTIALS, options);
  }
}

/** The config file exists but cannot be used; it is never rewritten in that state (exit 3). */
export class ConfigFileError extends CredentialsError {
  readonly file: string;
  constructor(file: string, problem: string, options: { cause?: unknown; fix?: string } = {}) {
    super(
      `config file ${file} ${problem}; ${options.fix ?? 'fix or move it'} (xcli leaves it untouched)`,
      'XCLI_CONFIG',
      options,
    );
    this.file = file;
  }
}

/** Connection refused, reset, DNS failure or timeout (exit 4). */
export class NetworkError extends XcliError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, 'XCLI_NETWORK', EXIT.NETWORK, options);
  }
}

/** An HTTP status >= 400 (exit 1). `reported` when the body and summary are already printed. */
export class HttpStatusError extends XcliError {
  readonly status: number;
  constructor(status: number, message: string, options: { reported?: boolean } = {}) {
    super(message, 'XCLI_HTTP', EXIT.FAILURE, options);
    this.status = status;
  }
}

/** Rate-limit retries ran out (exit 5). */
export class RateLimitError extends XcliError {
  constructor(message: string, options: { reported?: boolean } = {}) {
    super(message, 'XCLI_RATE_LIMITED', EXIT.RATE_LIMITED, options);
  }
}

/** Any other failure worth a clear one-line message (a port in use, an unwritable file…) (exit 1). */
export class FailureError extends XcliError {
  constructor(message: string, options: { cause?: unknown; reported?: boolean; code?: string } = {}) {
    super(message, options.code ?? 'XCLI_FAILED', EXIT.FAILURE, options);
  }
}
