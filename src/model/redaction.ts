/** Secrets shorter than this are not searched for in text: they would garble ordinary words. */
export const MIN_SECRET_LENGTH = 4;

/**
 * Replaces known secrets (credentials that were sent to a server) with `[redacted]` in text
 * about to be shown: a server may echo the authorization header it got in an error page.
 *
 * @example
 * const redact = new CredentialRedactor(urlCredentials('http://me:s3cret@zipkin:9411'));
 * redact.text('you sent me:s3cret') // 'you sent [redacted]'
 */
export class CredentialRedactor {
  readonly #secrets: string[];

  constructor(secrets: Iterable<string>) {
    // Longest first, so a secret that holds another is replaced whole.
    this.#secrets = [...new Set(secrets)].filter((s) => s.length >= MIN_SECRET_LENGTH).sort((a, b) => b.length - a.length);
  }

  /** True when there is nothing to hide. */
  get empty(): boolean {
    return this.#secrets.length === 0;
  }

  /** `text` with every secret replaced. */
  text(text: string): string {
    let out = text;
    for (const secret of this.#secrets) if (out.includes(secret)) out = out.split(secret).join('[redacted]');
    return out;
  }

  /**
   * Text that was cut short (an answer read only in part): besides whole secrets, a secret's start
   * left at the end by the cut is replaced too.
   */
  cut(text: string): string {
    let out = this.text(text);
    for (const secret of this.#secrets) {
      for (let k = Math.min(secret.length - 1, out.length); k >= MIN_SECRET_LENGTH; k--) {
        if (out.endsWith(secret.slice(0, k))) {
          out = out.slice(0, out.length - k) + '[redacted]';
          break;
        }
      }
    }
    return out;
  }
}
