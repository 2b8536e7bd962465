// An issuer is compared with `iss` byte for byte, so only a URL that reads back the
// same through `new URL(x).href` is taken: anything the parser would rewrite (case,
// a default port, dot segments, a bare `?` or `#`, spaces) names an issuer no token
// carries, or hides a second meaning. An origin-only issuer without its slash stays.
import { describe, expect, it } from "vitest";
import { CognitoAccessTokenVerifier } from "../../../shared/cognito/cognito-verifier";
import type { ConfigError } from "../../../shared/errors";

function optionOf(issuer: string): string | undefined {
  try {
    new CognitoAccessTokenVerifier({ issuer, clientIds: "*" });
  } catch (error) {
    return (error as ConfigError).option;
  }
  return undefined;
}

describe("the issuer option", () => {
  it.each([
    ["a bare ? at the end", "https://auth.example/pool?"],
    ["a bare # at the end", "https://auth.example/pool#"],
    ["an upper-case host", "https://Auth.example/pool"],
    ["the default port written out", "https://auth.example:443/pool"],
    ["a dot segment", "https://auth.example/./pool"],
    ["a space", "https://auth.example/po ol"],
    ["a backslash", "https://auth.example\\pool"],
    ["userinfo", "https://user@auth.example/pool"],
    ["a query", "https://auth.example/pool?x=1"],
    ["a trailing slash", "https://auth.example/pool/"],
    ["a non-loopback http issuer", "http://auth.example/pool"],
    ["a javascript: URL", "javascript:alert(1)"],
  ])("refuses %s", (_, issuer) => {
    expect(optionOf(issuer)).toBe("issuer");
  });

  it.each([
    "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEfGhI",
    "https://auth.example",
    "https://auth.example:8443/tenant/a",
    "http://127.0.0.1:8789/us-east-1_toFGiuX5i",
    "http://localhost:8789/us-east-1_toFGiuX5i",
  ])("takes %s", (issuer) => {
    expect(optionOf(issuer)).toBeUndefined();
  });
});
