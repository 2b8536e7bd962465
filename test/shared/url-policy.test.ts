// One URL rule for every URL the library is configured with (the issuer, jwksUri, the
// token endpoint): https, or plain http only on an exact loopback host; no user name or
// password; the ConfigError names the option. The workers' settings use the same rule
// (workers/bff/test/config.test.ts, workers/service/test/config.test.ts).
import { describe, expect, it } from "vitest";
import { ClientCredentialsTokenCache } from "../../shared/client-credentials/client-credentials-token-cache";
import { ConfigError } from "../../shared/errors";
import { JwtVerifier } from "../../shared/jwt/jwt-verifier";

const ISSUER = "https://auth.example.com/pool";

const BUILD: Record<string, (url: string) => unknown> = {
  issuer: (url) => new JwtVerifier({ issuer: url, audience: "*", claims: () => ({}) }),
  jwksUri: (url) => new JwtVerifier({ issuer: ISSUER, jwksUri: url, audience: "*", claims: () => ({}) }),
  tokenEndpoint: (url) => new ClientCredentialsTokenCache({ tokenEndpoint: url, clientId: "c", clientSecret: "s", scopes: [], kv: null }),
};

function refusal(option: string, url: string): ConfigError {
  try {
    BUILD[option]?.(url);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error(`${option} accepted ${url}`);
}

describe.each(Object.keys(BUILD))("the %s option", (option) => {
  it.each([
    ["plain http to a public host", "http://keys.example.com/jwks.json", "must be an https URL (http only on loopback hosts)"],
    ["plain http to a loopback look-alike", "http://127.attacker.example/x", "must be an https URL (http only on loopback hosts)"],
    ["another scheme", "ftp://keys.example.com/x", "must be an https URL (http only on loopback hosts)"],
    ["a user name and password", "https://user:pw@keys.example.com/x", "must not contain a user name or password"],
  ])("refuses %s, naming the option", (_, url, reason) => {
    const error = refusal(option, url);
    expect(error.option).toBe(option);
    expect(error.message).toBe(`${option} ${reason}`);
  });

  it.each(["https://keys.example.com/x", "http://127.0.0.1:8789/x", "http://localhost:8789/x", "http://[::1]:8789/x"])(
    "takes %s",
    (url) => {
      expect(() => BUILD[option]?.(url)).not.toThrow();
    },
  );
});
