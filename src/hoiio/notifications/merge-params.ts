/**
 * Hoiio's documentation puts notification parameters in the query string, its own samples read
 * the form body, and the signature covers the body; the sandbox sends both. We therefore merge:
 *
 * - every key of the body and of the query string is kept, so pass-on parameters that we put in a
 *   `notify_url` (`?app_state=gather`) come back even when Hoiio sends the rest in the body;
 * - when a key is in both, the **body wins**: it is the part `X-Hoiio-Signature` covers;
 * - within one source a repeated key keeps its **first** value (as `URLSearchParams.get`).
 */

/** Merges a notification's query string and form body; see the module comment for the rule. */
export function mergeParams(query: URLSearchParams, body: URLSearchParams): Record<string, string> {
  const merged = new Map<string, string>();
  for (const [key, value] of body) if (!merged.has(key)) merged.set(key, value);
  for (const [key, value] of query) if (!merged.has(key)) merged.set(key, value);
  // Object.fromEntries defines own properties, so a key such as "__proto__" stays plain data.
  return Object.fromEntries(merged);
}
