// MyBFF on Cognito's GetClientToken (issue 25, item 1): the settings choose the token
// source (AUTH_SERVER_TOKEN_ENDPOINT_URL or COGNITO_USER_POOL_ID, exactly one), then in
// Miniflare with the whole system MyBFF gets its token from cognito-local's `POST /`
// and serves the forecast. The transient faults (TooManyRequestsException,
// InternalErrorException, 5xx) run in faults.test.ts for both sources.
import { ConfigError } from "edge-cc-auth";
import { afterAll, describe, expect, it } from "vitest";
import { DEV_SECRET } from "#test/support/cognito-local.ts";
import { type LocalNetwork, type LocalNetworkOptions, startLocalNetwork } from "#test/support/local-network.ts";
import { readBffConfig, settingsOf, tokenEndpointOptions, withSettingNames } from "../src/config";

const BASE = {
  AUTH_SERVER_MYBFF_CLIENT_ID: "client",
  AUTH_SERVER_MYBFF_CLIENT_SECRET: "secret",
  MY_SERVICE_URL: "https://api.example.com",
  TOKEN_CACHE: { get: () => null },
};

function configError(settings: Record<string, unknown>): ConfigError {
  try {
    readBffConfig({ ...BASE, ...settings });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error(`accepted ${JSON.stringify(settings)}`);
}

describe("the token source, from the settings", () => {
  it("asks the token endpoint with AUTH_SERVER_TOKEN_ENDPOINT_URL", () => {
    const config = readBffConfig({ ...BASE, AUTH_SERVER_TOKEN_ENDPOINT_URL: "https://auth.example.com/oauth2/token" });
    expect(tokenEndpointOptions(config)).toMatchObject({ tokenEndpoint: "https://auth.example.com/oauth2/token", tokenRequest: "oauth2" });
  });

  it.each([
    // The user pool API endpoint of the pool's Region, with its partition's suffix (shared/cognito/cognito-partitions.ts).
    ["eu-west-1_AbCdEfGhI", "https://cognito-idp.eu-west-1.amazonaws.com/"],
    ["cn-north-1_AbCdEfGhI", "https://cognito-idp.cn-north-1.amazonaws.com.cn/"],
    ["eusc-de-east-1_AbCdEfGhI", "https://cognito-idp.eusc-de-east-1.amazonaws.eu/"],
  ])("sends GetClientToken to the pool's Region with COGNITO_USER_POOL_ID %s", (poolId, endpoint) => {
    const config = readBffConfig({ ...BASE, COGNITO_USER_POOL_ID: poolId });
    expect(tokenEndpointOptions(config)).toMatchObject({ tokenEndpoint: endpoint, tokenRequest: "cognito_get_client_token" });
  });

  it.each([
    ["both", { AUTH_SERVER_TOKEN_ENDPOINT_URL: "https://auth.example.com/oauth2/token", COGNITO_USER_POOL_ID: "eu-west-1_AbCdEfGhI" }],
    ["neither", {}],
    ["neither (both empty)", { AUTH_SERVER_TOKEN_ENDPOINT_URL: " ", COGNITO_USER_POOL_ID: "" }],
  ])("refuses %s, naming both variables", (_, settings) => {
    const error = configError(settings);
    expect(error.message).toContain("AUTH_SERVER_TOKEN_ENDPOINT_URL");
    expect(error.message).toContain("COGNITO_USER_POOL_ID");
  });

  it.each(["eu-west-1", "eu-west-1_", "EU-WEST-1_abc", "eu-west-1_abc/../x"])("refuses the pool id %j, naming it", (poolId) => {
    expect(configError({ COGNITO_USER_POOL_ID: poolId }).option).toBe("COGNITO_USER_POOL_ID");
  });

  it("refuses a pool id in a partition whose Cognito hosts are not confirmed, naming COGNITO_USER_POOL_ID", () => {
    const error = configError({ COGNITO_USER_POOL_ID: "zz-east-1_AbCdEfGhI" });
    expect(error.option).toBe("COGNITO_USER_POOL_ID");
    expect(error.message).toMatch(/^COGNITO_USER_POOL_ID /);
  });

  it.each(["http://127.0.0.1:8789/", "http://localhost:8789/", "https://[::1]:8789/"])(
    "sends GetClientToken to COGNITO_IDP_ENDPOINT_URL %s (a loopback host: cognito-local)",
    (url) => {
      const config = readBffConfig({ ...BASE, COGNITO_USER_POOL_ID: "us-east-1_toFGiuX5i", COGNITO_IDP_ENDPOINT_URL: url });
      expect(tokenEndpointOptions(config)).toMatchObject({ tokenEndpoint: url, tokenRequest: "cognito_get_client_token" });
    },
  );

  it.each([
    "https://cognito-idp.eu-west-1.amazonaws.com/",
    "http://127.attacker.example:8789/",
    "http://127.0.0.1.nip.io/",
    "ftp://127.0.0.1/",
    "http://me:pw@127.0.0.1:8789/",
    "not a url",
  ])("refuses COGNITO_IDP_ENDPOINT_URL %s (the secret goes there: loopback only), naming it", (url) => {
    const error = configError({ COGNITO_USER_POOL_ID: "us-east-1_toFGiuX5i", COGNITO_IDP_ENDPOINT_URL: url });
    expect(error.option).toBe("COGNITO_IDP_ENDPOINT_URL");
    expect(error.message).not.toContain("pw@");
  });

  it.each(["AUTH_SERVER_TOKEN_ENDPOINT_URL", "COGNITO_USER_POOL_ID", "COGNITO_IDP_ENDPOINT_URL"] as const)(
    "names %s when the library refuses the token endpoint derived from it",
    (setting) => {
      const build = () => {
        throw new ConfigError("tokenEndpoint must be an https URL", "tokenEndpoint");
      };
      expect(() => withSettingNames(build, settingsOf({ tokenEndpointSetting: setting }))).toThrow(
        expect.objectContaining({ option: setting, message: `${setting} must be an https URL` }),
      );
    },
  );

  it("refuses COGNITO_IDP_ENDPOINT_URL with the token endpoint (it applies to GetClientToken only)", () => {
    const error = configError({
      AUTH_SERVER_TOKEN_ENDPOINT_URL: "https://auth.example.com/oauth2/token",
      COGNITO_IDP_ENDPOINT_URL: "http://127.0.0.1:8789/",
    });
    expect(error.option).toBe("COGNITO_IDP_ENDPOINT_URL");
  });
});

const networks: LocalNetwork[] = [];
afterAll(async () => {
  // No worker ever logged the client secret or a token (a JWT starts with eyJ).
  for (const line of networks.flatMap((n) => n.logs)) {
    expect(line).not.toContain(DEV_SECRET);
    expect(line).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}/);
  }
  await Promise.all(networks.map((n) => n.dispose()));
});

async function network(options: LocalNetworkOptions): Promise<LocalNetwork> {
  const started = await startLocalNetwork(options);
  networks.push(started);
  return started;
}

const logged = (net: LocalNetwork, event: string) =>
  net.logs.filter((line) => line.includes(`"${event}"`)).map((line) => JSON.parse(line) as Record<string, unknown>);

describe("MyBFF on GetClientToken, against cognito-local", () => {
  it("serves the forecast with a token from GetClientToken, and its log says which source served it", async () => {
    const net = await network({ tokenSource: "get-client-token", bffCount: 2 });
    for (const index of [1, 2, 1, 2]) {
      const response = await net.bff(index).fetch("/weatherforecast");
      expect(response.status).toBe(200);
      expect(await response.json()).toHaveLength(5);
    }
    // One token for both isolates (KV), and it came from GetClientToken, not /oauth2/token.
    expect(await net.tokenRequests()).toBe(1);
    await expect.poll(() => logged(net, "token_requested").length).toBe(1);
    expect(logged(net, "token_requested")[0]).toMatchObject({ source: "get_client_token" });
    expect(net.logs.some((line) => line.includes("/oauth2/token"))).toBe(false);
  });

  it("answers 500 misconfigured with no storm when Cognito answers NotAuthorizedException (a wrong secret)", async () => {
    const net = await network({
      tokenSource: "get-client-token",
      bffVars: {
        AUTH_SERVER_MYBFF_CLIENT_SECRET: "a-secret-cognito-does-not-know",
        TOKEN_BACKOFF_BASE_MS: "30000",
        TOKEN_BACKOFF_MAX_MS: "30000",
      },
    });
    for (let i = 0; i < 5; i++) {
      const response = await net.bff().fetch("/weatherforecast");
      expect(response.status).toBe(500);
      expect(await response.json()).toMatchObject({ code: "misconfigured" });
      expect(response.headers.get("Retry-After")).toBeNull();
    }
    // One GetClientToken request for the five (the back-off holds the rest), named in one error line.
    await expect.poll(() => logged(net, "token_request_failed").length).toBe(1);
    expect(logged(net, "token_request_failed")[0]).toMatchObject({
      level: "error",
      oauthError: "NotAuthorizedException",
      configurationProblem: true,
    });
    expect(await net.tokenRequests()).toBe(0);
    expect(net.logs.join("\n")).not.toContain("a-secret-cognito-does-not-know");
  });

  it.each([
    ["both", { COGNITO_USER_POOL_ID: "us-east-1_toFGiuX5i" }],
    ["neither", { AUTH_SERVER_TOKEN_ENDPOINT_URL: null }],
  ])("refuses a MyBFF whose settings name %s token sources: 500, the log names both, no token request", async (_, bffVars) => {
    const net = await network({ bffVars });
    const response = await net.bff().fetch("/weatherforecast");
    expect(response.status).toBe(500);
    expect(await response.json()).toMatchObject({ code: "misconfigured" });
    await expect
      .poll(() =>
        logged(net, "bff_misconfigured").some(
          (line) => String(line.reason).includes("AUTH_SERVER_TOKEN_ENDPOINT_URL") && String(line.reason).includes("COGNITO_USER_POOL_ID"),
        ),
      )
      .toBe(true);
    expect(await net.tokenRequests()).toBe(0);
  });
});
