import type { Complain } from '../model/endpoint.js';
import { MAX_TAG_KEY_LENGTH, MAX_VALUE_LENGTH, truncate } from '../model/limits.js';

/** Turns a rejection reason into the `error` tag's value without ever throwing. */
export function errorTagValue(reason: unknown): string {
  try {
    if (reason instanceof Error) return reason.message || reason.name || 'Error';
    const s = String(reason);
    return s === '' ? 'error' : s;
  } catch {
    return 'error';
  }
}

/** Coerces a tag value to a string, or returns undefined when it cannot be stored. */
export function tagValueString(value: unknown, complain: Complain): string | undefined {
  switch (typeof value) {
    case 'string':
      if (value.length > MAX_VALUE_LENGTH) {
        complain('VALUE_TRUNCATED', `a tag or annotation value longer than ${MAX_VALUE_LENGTH} characters was cut to that length`);
        return truncate(value, MAX_VALUE_LENGTH);
      }
      return value;
    case 'number':
    case 'boolean':
    case 'bigint':
      return String(value);
    case 'object':
      if (value !== null) {
        try {
          const json = JSON.stringify(value);
          if (typeof json === 'string') {
            complain('TAG_VALUE_COERCED', 'an object tag value was stored as its JSON text; pass a string to choose the text');
            return tagValueString(json, complain);
          }
        } catch {
          // Circular or throwing toJSON: dropped below.
        }
      }
      break;
    default:
      break;
  }
  complain('BAD_TAG_VALUE', `a tag value of type ${value === null ? 'null' : typeof value} cannot be stored as a string; the tag was dropped`);
  return undefined;
}

/** A tag key as stored: cut at `MAX_TAG_KEY_LENGTH` (reported), or undefined when it is not a non-empty string. */
export function tagKey(key: unknown, complain: Complain): string | undefined {
  if (typeof key !== 'string' || key === '') {
    complain('BAD_TAG_KEY', 'a tag key must be a non-empty string; the tag was dropped');
    return undefined;
  }
  if (key.length <= MAX_TAG_KEY_LENGTH) return key;
  complain('VALUE_TRUNCATED', `a tag key longer than ${MAX_TAG_KEY_LENGTH} characters was cut to that length`);
  return truncate(key, MAX_TAG_KEY_LENGTH);
}

/** Sets a tag; `__proto__` as a key would set the prototype instead, losing the tag and leaving `{}`. */
export function putTag(tags: Record<string, string>, key: string, value: string): void {
  if (key === '__proto__') Object.defineProperty(tags, key, { value, enumerable: true, writable: true, configurable: true });
  else tags[key] = value;
}

/** Cleans a user tag map once (at wrap time), dropping what cannot be stored. */
export function cleanTags(
  input: Readonly<Record<string, unknown>> | undefined,
  complain: Complain,
): Record<string, string> | undefined {
  if (input === undefined) return undefined;
  const out: Record<string, string> = {};
  let any = false;
  for (const key of Object.keys(input)) {
    const value = tagValueString(input[key], complain);
    const k = tagKey(key, complain);
    if (k !== undefined && value !== undefined) {
      putTag(out, k, value);
      any = true;
    }
  }
  return any ? out : undefined;
}
