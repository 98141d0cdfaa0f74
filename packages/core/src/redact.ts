/**
 * Replaces every registered secret with `***`. The runner masks secrets in the log only; outputs,
 * job summaries and reports are files it does not touch, so everything leaving an action passes
 * through one Redactor as well.
 */
export class Redactor {
  private readonly secrets = new Set<string>();

  /**
   * Registers a secret; values shorter than 4 characters are ignored, as masking them would shred
   * text. Each line of a multi-line secret (a key file) is registered too: a line can be printed alone.
   */
  add(secret: string): void {
    const lines = secret.split(/\r?\n/);
    for (const part of lines.length > 1 ? [secret, ...lines] : [secret]) {
      const value = part.trim();
      if (value.length < 4) continue;
      this.secrets.add(value);
      // A secret can also reach text percent-encoded (URLs) or JSON-escaped (reports).
      this.secrets.add(encodeURIComponent(value));
      this.secrets.add(JSON.stringify(value).slice(1, -1));
    }
  }

  redact(text: string): string {
    let result = text;
    // Longest first, so a secret that contains another is masked whole.
    for (const secret of [...this.secrets].sort((a, b) => b.length - a.length)) {
      result = result.split(secret).join('***');
    }
    return result;
  }
}

/**
 * The credential in a URL, so it can be masked: the password, or the user name when it comes
 * alone (`https://<token>@host`, where the token is the credential). A user name beside a password
 * is not a secret, and masking it does harm: a short one (`db`) shreds every line of the log, and
 * a word like `weights` rewrites the paths and commands that contain it. displayUrl hides it
 * wherever a URL is shown.
 */
export function urlCredentials(raw: string): string[] {
  try {
    const url = new URL(raw);
    const credential = decodeURIComponent(url.password || url.username);
    return credential === '' ? [] : [credential];
  } catch {
    return [];
  }
}

/** A URL with its user info replaced, for showing where a request went. */
export function displayUrl(raw: string): string {
  try {
    const url = new URL(raw);
    if (url.username || url.password) {
      url.username = '***';
      url.password = '';
    }
    return url.toString().replace(/\/$/, '');
  } catch {
    return raw;
  }
}

/** Key names whose values are credentials: `DEPLOY_TOKEN`, `db_password`, `client-secret`, `x-api-key`. */
const CREDENTIAL_KEY = String.raw`[\w.-]*(?:passw(?:or)?d|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|credentials?)`;

/**
 * The shapes in which credentials appear in text nobody registered as a secret (a command's
 * output, an error message): each rule keeps what says what the value was and replaces the value.
 */
const CREDENTIAL_SHAPES: readonly [RegExp, string][] = [
  // URL user info in any scheme: postgresql://app:pw@db, https://x-access-token:ghs_…@github.com.
  [/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#"'<>\\]+@/gi, '$1***@'],
  // An Authorization header with its scheme (Bearer, Basic, token) or without one.
  [/\b((?:proxy-)?authorization\s*[:=]\s*)(?:(?:bearer|basic|token|digest)\s+)?[^\s"'\\,;]+/gi, '$1***'],
  // A bearer token anywhere else: `curl -H "Bearer …"`, `{"auth": "Bearer …"}`.
  [/\b(bearer\s+)[\w.~+/=-]+/gi, '$1***'],
  // JSON members, also inside a JSON string (escaped quotes): "password": "…".
  [new RegExp(String.raw`("${CREDENTIAL_KEY}"\s*:\s*")(?:[^"\\]|\\.)*"`, 'gi'), '$1***"'],
  [new RegExp(String.raw`(\\"${CREDENTIAL_KEY}\\"\s*:\s*\\")(?:(?!\\").)*\\"`, 'gi'), '$1***\\"'],
  // key=value in command lines, query strings and env dumps: token=…, DB_PASSWORD='…'.
  [new RegExp(String.raw`\b(${CREDENTIAL_KEY}=)(?:"[^"]*"|'[^']*'|[^\s&;,"'\\]+)`, 'gi'), '$1***']
];

/**
 * `text` with the values of credential shapes replaced by `***`: URL user info in any scheme,
 * `Authorization:` headers, `Bearer …`, JSON `"password": "…"` (and token, secret, api_key…), and
 * `token=` / `password=` / `secret=` / `api_key=` assignments. Ordinary text is left as it is.
 */
export function redactCredentials(text: string): string {
  return CREDENTIAL_SHAPES.reduce((result, [shape, replacement]) => result.replace(shape, replacement), text);
}

/**
 * The one redaction of text that leaves the runner (GitHub issues, deployment statuses, webhook
 * bodies): the runner masks the log only, and a command's output can hold credentials nobody
 * registered. `maskSecrets` masks the registered secrets (the action context's `redact`); the
 * credential shapes go after it.
 */
export function outboundRedaction(maskSecrets: (text: string) => string): (text: string) => string {
  return (text) => redactCredentials(maskSecrets(text));
}

/** `value` with every string in it (deeply, in arrays and plain objects) passed through `redact`. */
export function redactStrings<T>(value: T, redact: (text: string) => string): T {
  if (typeof value === 'string') return redact(value) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => redactStrings(item, redact)) as T;
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, redactStrings(item, redact)])
    ) as T;
  return value;
}
