// Redaction for everything xcli prints about a request (-v, error lines): headers that carry
// credentials, secret-looking query parameters, and any literal secret of the resolved app.

const SECRET_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-api-key', 'x-csrf-token']);
const PAGE_PARAMS = new Set(['pagination_token', 'next_token', 'previous_token', 'page_token']);
const REDACTED = '[redacted]';

/** Query parameter names whose values are secrets (tokens, signatures, codes), but not paging tokens. */
function isSecretParam(name: string): boolean {
  const n = name.toLowerCase();
  if (PAGE_PARAMS.has(n)) return false;
  return /(token|secret|signature|password|verifier|api_key|apikey)$/.test(n) || n === 'code' || n === 'key';
}

export class Redactor {
  private readonly secrets: string[];

  constructor(secrets: Iterable<string | undefined> = []) {
    // Longest first, so a secret containing another is replaced whole; very short values would
    // redact ordinary text, and no real credential is that short.
    this.secrets = [...new Set([...secrets].filter((s): s is string => typeof s === 'string' && s.length >= 6))].sort(
      (a, b) => b.length - a.length,
    );
  }

  /** Replaces every literal secret in free text. */
  text(value: string): string {
    let out = value;
    for (const secret of this.secrets) {
      out = out.split(secret).join(REDACTED);
      const encoded = encodeURIComponent(secret);
      if (encoded !== secret) out = out.split(encoded).join(REDACTED);
    }
    return out;
  }

  header(name: string, value: string): string {
    const lower = name.toLowerCase();
    if (lower === 'authorization' || lower === 'proxy-authorization') {
      const scheme = /^\s*(\w+)\s/.exec(value)?.[1];
      return scheme ? `${scheme} ${REDACTED}` : REDACTED;
    }
    if (SECRET_HEADERS.has(lower)) return REDACTED;
    return this.text(value);
  }

  url(url: URL | string): string {
    const parsed = new URL(url.toString());
    let changed = false;
    if (parsed.username || parsed.password) {
      parsed.username = parsed.username ? 'redacted' : '';
      parsed.password = '';
      changed = true;
    }
    for (const [name] of [...parsed.searchParams]) {
      if (isSecretParam(name)) {
        parsed.searchParams.set(name, REDACTED);
        changed = true;
      }
    }
    // Keep the user's own encoding when nothing had to be replaced.
    return this.text(changed ? parsed.toString() : url.toString());
  }
}
