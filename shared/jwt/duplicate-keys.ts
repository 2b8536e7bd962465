/**
 * Tells whether a JSON text names a member twice in one object, at any depth.
 *
 * `JSON.parse` keeps the last of two equal names, so `{"token_use":"id",
 * "token_use":"access"}` reads as an access token while another parser may read an
 * id token. RFC 7515 lets a JWS implementation either reject such input or take the
 * last; this verifier rejects it.
 *
 * How, cheaply: every member name of the text is a string token followed by a colon.
 * Counting those (one native regular-expression pass) and comparing with the members
 * `JSON.parse` produced (it drops the repeats) finds any repeat, escaped spellings
 * included (`"a"` and `"\u0061"` parse to one member).
 *
 * Faster still, and the usual case: a text with no backslash has no escapes, so its
 * quotes simply open and close strings in turn, and a member name is a string whose
 * closing quote is followed by a colon. Counting those takes a few `indexOf` calls
 * instead of a regular-expression pass over every string token.
 * @module
 */

// Every string token, with a capture when a colon follows it (a member name).
const STRING_TOKEN = /"(?:[^"\\]|\\.)*"(\s*:)?/g;

function isJsonWhitespace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;
}

/** Member names of a valid JSON text that holds no backslash. */
function countNamesWithoutEscapes(json: string): number {
  let names = 0;
  for (let open = json.indexOf('"'); open >= 0; ) {
    const close = json.indexOf('"', open + 1);
    let next = close + 1;
    while (isJsonWhitespace(json.charCodeAt(next))) next++;
    if (json.charCodeAt(next) === 0x3a) names++;
    open = json.indexOf('"', close + 1);
  }
  return names;
}

function countNames(json: string): number {
  if (!json.includes("\\")) return countNamesWithoutEscapes(json);
  let names = 0;
  STRING_TOKEN.lastIndex = 0;
  for (let match = STRING_TOKEN.exec(json); match !== null; match = STRING_TOKEN.exec(json)) {
    if (match[1] !== undefined) names++;
  }
  return names;
}

function countMembers(value: unknown): number {
  if (typeof value !== "object" || value === null) return 0;
  let members = 0;
  if (Array.isArray(value)) {
    for (const item of value) members += countMembers(item);
    return members;
  }
  for (const key in value) {
    if (Object.hasOwn(value, key)) members += 1 + countMembers((value as Record<string, unknown>)[key]);
  }
  return members;
}

/**
 * True when some object in `json` names a member twice.
 * @param parsed `JSON.parse(json)`, already computed by the caller
 */
export function hasDuplicateKeys(json: string, parsed: unknown = JSON.parse(json)): boolean {
  return countNames(json) !== countMembers(parsed);
}
