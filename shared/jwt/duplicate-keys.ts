/**
 * Finds a member name that appears twice in one JSON object, at any depth.
 *
 * `JSON.parse` keeps the last of two equal names, so `{"token_use":"id",
 * "token_use":"access"}` reads as an access token while another parser may read an
 * id token. RFC 7515 lets a JWS implementation either reject such input or take the
 * last; this verifier rejects it. The scan runs on text `JSON.parse` has already
 * accepted, so it only has to follow strings and nesting.
 * @module
 */

/** True when some object in this valid JSON text names a member twice. */
export function hasDuplicateKeys(json: string): boolean {
  // One entry per open container: the names seen (objects) or null (arrays).
  const stack: Array<Set<string> | null> = [];
  let expectingKey = false;
  for (let i = 0; i < json.length; i++) {
    const ch = json.charCodeAt(i);
    if (ch === 0x22 /* " */) {
      let end = i + 1;
      while (json.charCodeAt(end) !== 0x22) end += json.charCodeAt(end) === 0x5c /* \ */ ? 2 : 1;
      const top = stack[stack.length - 1];
      if (expectingKey && top) {
        // Names are compared decoded: "a" and "\u0061" are the same name.
        const raw = json.slice(i + 1, end);
        const name = raw.includes("\\") ? (JSON.parse(`"${raw}"`) as string) : raw;
        if (top.has(name)) return true;
        top.add(name);
        expectingKey = false;
      }
      i = end;
    } else if (ch === 0x7b /* { */) {
      stack.push(new Set());
      expectingKey = true;
    } else if (ch === 0x5b /* [ */) {
      stack.push(null);
    } else if (ch === 0x7d /* } */ || ch === 0x5d /* ] */) {
      stack.pop();
    } else if (ch === 0x2c /* , */) {
      expectingKey = stack[stack.length - 1] != null;
    }
  }
  return false;
}
