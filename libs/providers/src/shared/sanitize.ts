const MAX_MESSAGE_LENGTH = 500;

// Credential-looking tokens that upstream messages (or the libraries quoting requests) may echo.
const PATTERNS: ReadonlyArray<[RegExp, string]> = [
  [/\b(Bearer\s+)[^\s"',;]+/gi, '$1[redacted]'],
  [/([?&](?:key|api[-_]?key|access_token)=)[^&\s"']+/gi, '$1[redacted]'],
  [
    /((?:"|')?(?:x-api-key|x-goog-api-key|api[-_]?key|authorization)(?:"|')?\s*[:=]\s*(?:"|')?)[^\s"',}]+/gi,
    '$1[redacted]',
  ],
  [/\b(?:sk|pk|rk|gsk|xai|sk-ant|sk-or)[-_][A-Za-z0-9_-]{8,}/g, '[redacted]'],
  [/\bAIza[A-Za-z0-9_-]{20,}/g, '[redacted]'],
];

/**
 * Makes upstream text safe to put in an error: removes the call's own secrets verbatim, then
 * anything shaped like a key, and caps the length.
 */
export function sanitize(text: string, secrets: readonly string[] = []): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length >= 4) out = out.split(secret).join('[redacted]');
  }
  for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
  out = out.replace(/\s+/g, ' ').trim();
  return out.length > MAX_MESSAGE_LENGTH ? `${out.slice(0, MAX_MESSAGE_LENGTH)}...` : out;
}
