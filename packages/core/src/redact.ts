/**
 * Replaces every registered secret with `***`. The runner masks secrets in the log only; outputs,
 * job summaries and reports are files it does not touch, so everything leaving an action passes
 * through one Redactor as well.
 */
export class Redactor {
  private readonly secrets = new Set<string>();

  /** Registers a secret; values shorter than 4 characters are ignored, as masking them would shred text. */
  add(secret: string): void {
    const value = secret.trim();
    if (value.length >= 4) {
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
