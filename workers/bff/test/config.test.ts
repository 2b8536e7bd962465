// MyBFF's settings: every URL it calls is https (plain http only on an exact loopback
// host) and carries no user name or password; a setting that is not a string (a TOML
// number or array) is an error naming it, never "not set"; an error the library raises
// about an option names the setting behind it. First as readBffConfig sees them, then in
// Miniflare with the whole system (500 misconfigured, the log names the variable, and
// no call is made).
import { CognitoAccessTokenVerifier, ConfigError } from "edge-cc-auth";
import { ClientCredentialsTokenCache } from "edge-cc-auth/client-credentials";
import { afterAll, describe, expect, it } from "vitest";
import { startRateLimitedBff } from "#scripts/reliability/rate-limit.mjs";
import { DEV_SECRET } from "#test/support/cognito-local.ts";
import { type LocalNetwork, type LocalNetworkOptions, startLocalNetwork } from "#test/support/local-network.ts";
import { readBffConfig, tokenEndpointOptions, withSettingNames, workerLogger } from "../src/config";

const VALID = {
  AUTH_SERVER_TOKEN_ENDPOINT_URL: "https://auth.example.com/oauth2/token",
  AUTH_SERVER_MYBFF_CLIENT_ID: "client",
  AUTH_SERVER_MYBFF_CLIENT_SECRET: "secret",
  MY_SERVICE_URL: "https://api.example.com",
  TOKEN_CACHE: { get: () => null },
};

/** The ConfigError readBffConfig throws for these settings (on top of valid ones). */
function configError(settings: Record<string, unknown>): ConfigError {
  try {
    readBffConfig({ ...VALID, ...settings });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error(`accepted ${JSON.stringify(settings)}`);
}

describe("MY_SERVICE_URL", () => {
  it.each([
    "https://api.example.com",
    "https://api.example.com/myservice/",
    "http://127.0.0.1:8787",
    "http://127.255.0.1:8787",
    "http://localhost:8787",
    "http://LOCALHOST:8787",
    "http://[::1]:8787",
  ])("accepts %s", (url) => {
    expect(readBffConfig({ ...VALID, MY_SERVICE_URL: url }).myServiceUrl).toBe(url);
  });

  it.each([
    // Plain http off loopback would send the token in the clear.
    ["http://api.example.com", "must be an https URL (http only on loopback hosts)"],
    ["http://127.attacker.example", "must be an https URL (http only on loopback hosts)"],
    ["http://localhost.attacker.example", "must be an https URL (http only on loopback hosts)"],
    ["http://10.0.0.1:8787", "must be an https URL (http only on loopback hosts)"],
    ["ftp://api.example.com", "must be an https URL (http only on loopback hosts)"],
    ["api.example.com", "must be an https URL (http only on loopback hosts)"],
    // A user name or password in the URL would travel with every request.
    ["https://user:password@api.example.com", "must not contain a user name or password"],
    ["https://user@api.example.com", "must not contain a user name or password"],
    ["http://user@127.0.0.1:8787", "must not contain a user name or password"],
    // The path /weatherforecast is appended: a query or fragment would swallow it.
    ["https://api.example.com/?x=1", "must have no query or fragment"],
    ["https://api.example.com/#x", "must have no query or fragment"],
  ])("refuses %s, naming MY_SERVICE_URL", (url, reason) => {
    const error = configError({ MY_SERVICE_URL: url });
    expect(error.option).toBe("MY_SERVICE_URL");
    expect(error.message).toBe(`MY_SERVICE_URL ${reason}`);
    // The URL may hold a password: the message never repeats it.
    expect(error.message).not.toContain("password@");
  });

  it("is checked even when the MY_SERVICE binding makes it unused", () => {
    expect(configError({ MY_SERVICE: {}, MY_SERVICE_URL: "http://api.example.com" }).option).toBe("MY_SERVICE_URL");
  });
});

describe("COGNITO_USER_POOL_ID: the pool ids MyService's verifier accepts, no others", () => {
  const GET_CLIENT_TOKEN = { AUTH_SERVER_TOKEN_ENDPOINT_URL: "" };
  const verifierAccepts = (userPoolId: string) => {
    try {
      new CognitoAccessTokenVerifier({ userPoolId, clientIds: "*" });
      return true;
    } catch {
      return false;
    }
  };

  it.each(["us-east-01_Abc", "us-east1_Abc", "useast-1_Abc", "us-east-1_", "us-east-1_Ab-c", "US-EAST-1_Abc"])(
    "refuses %s, as the verifier does, naming the setting",
    (poolId) => {
      expect(verifierAccepts(poolId)).toBe(false);
      const error = configError({ ...GET_CLIENT_TOKEN, COGNITO_USER_POOL_ID: poolId });
      expect(error.option).toBe("COGNITO_USER_POOL_ID");
      expect(error.message).toBe("COGNITO_USER_POOL_ID must look like <region>_<id>, e.g. us-east-1_AbCdEfGhI");
    },
  );

  it.each(["us-east-1_AbCdEfGhI", "eu-west-1_Abc", "cn-north-1_Abc"])("accepts %s, as the verifier does", (poolId) => {
    expect(verifierAccepts(poolId)).toBe(true);
    expect(readBffConfig({ ...VALID, ...GET_CLIENT_TOKEN, COGNITO_USER_POOL_ID: poolId }).tokenRequest).toBe("cognito_get_client_token");
  });
});

describe("the library's one URL rule (urlOption) for every URL setting", () => {
  const tokenCacheWith = (tokenEndpoint: string) => () =>
    withSettingNames(() => new ClientCredentialsTokenCache({ ...tokenEndpointOptions(readBffConfig(VALID)), tokenEndpoint, kv: null }));
  const REFUSE: Record<string, (url: string) => unknown> = {
    MY_SERVICE_URL: (url) => readBffConfig({ ...VALID, MY_SERVICE_URL: url }),
    COGNITO_IDP_ENDPOINT_URL: (url) =>
      readBffConfig({
        ...VALID,
        AUTH_SERVER_TOKEN_ENDPOINT_URL: "",
        COGNITO_USER_POOL_ID: "us-east-1_toFGiuX5i",
        COGNITO_IDP_ENDPOINT_URL: url,
      }),
    AUTH_SERVER_TOKEN_ENDPOINT_URL: (url) => tokenCacheWith(url)(),
  };
  it.each(
    Object.keys(REFUSE).flatMap((setting) => [
      [setting, "ftp://127.0.0.1:8789/x", "must be an https URL (http only on loopback hosts)"],
      [setting, "http://user:pw@127.0.0.1:8789/x", "must not contain a user name or password"],
    ]),
  )("%s refuses %s with the rule's words, naming the setting", (setting, url, reason) => {
    expect(() => REFUSE[setting]?.(url)).toThrow(expect.objectContaining({ option: setting, message: `${setting} ${reason}` }));
  });
});

describe("a setting that is not a string", () => {
  const SETTINGS = [
    "AUTH_SERVER_TOKEN_ENDPOINT_URL",
    "COGNITO_USER_POOL_ID",
    "COGNITO_IDP_ENDPOINT_URL",
    "AUTH_SERVER_MYBFF_CLIENT_ID",
    "AUTH_SERVER_MYBFF_CLIENT_SECRET",
    "TOKEN_SCOPES",
    "MY_SERVICE_URL",
    "MY_SERVICE_TIMEOUT_MS",
    "TOKEN_REQUEST_TIMEOUT_MS",
    "TOKEN_CLIENT_AUTHENTICATION",
    "TOKEN_BACKOFF_BASE_MS",
    "TOKEN_BACKOFF_MAX_MS",
    "LOG_LEVEL",
  ];
  const VALUES: [string, unknown, string][] = [
    ["a TOML number", 5000, "a number"],
    ["a TOML array", ["debug"], "an array"],
    ["an empty TOML array", [], "an array"],
    ["a TOML boolean", true, "a boolean"],
    ["a TOML table", { value: "x" }, "an object"],
  ];

  for (const name of SETTINGS) {
    it.each(VALUES)(`is an error naming ${name} (%s), not "not set"`, (_, value, kind) => {
      const error = configError({ [name]: value });
      expect(error.option).toBe(name);
      expect(error.message).toBe(`${name} must be a string, not ${kind} (quote the value in wrangler.toml [vars])`);
    });
  }
});

describe("the library's errors name the setting behind the option", () => {
  it.each([
    ["tokenEndpoint", "AUTH_SERVER_TOKEN_ENDPOINT_URL"],
    ["clientId", "AUTH_SERVER_MYBFF_CLIENT_ID"],
    ["clientSecret", "AUTH_SERVER_MYBFF_CLIENT_SECRET"],
    ["scopes", "TOKEN_SCOPES"],
    ["timeoutMs", "TOKEN_REQUEST_TIMEOUT_MS"],
    ["clientAuthentication", "TOKEN_CLIENT_AUTHENTICATION"],
    ["backOff.baseDelayMs", "TOKEN_BACKOFF_BASE_MS"],
    ["backOff.maxDelayMs", "TOKEN_BACKOFF_MAX_MS"],
    ["kv", "TOKEN_CACHE"],
  ])("%s is %s", (option, setting) => {
    const build = () => {
      throw new ConfigError(`${option} must be something else`, option);
    };
    expect(() => withSettingNames(build)).toThrow(
      expect.objectContaining({ name: "ConfigError", option: setting, message: `${setting} must be something else` }),
    );
  });

  it("names the setting of a library check MyBFF does not repeat (the back-off's bounds)", () => {
    const config = readBffConfig({ ...VALID, TOKEN_BACKOFF_BASE_MS: "2000", TOKEN_BACKOFF_MAX_MS: "1000" });
    const build = () => new ClientCredentialsTokenCache({ ...tokenEndpointOptions(config), backOff: config.tokenBackOff, kv: null });
    expect(build).toThrow(expect.objectContaining({ option: "backOff.maxDelayMs" }));
    expect(() => withSettingNames(build)).toThrow(expect.objectContaining({ option: "TOKEN_BACKOFF_MAX_MS" }));
  });

  it("passes on what is not a ConfigError about a setting", () => {
    const other = new Error("boom");
    expect(() =>
      withSettingNames(() => {
        throw other;
      }),
    ).toThrow(other);
    const internal = new ConfigError("kvTimeoutMs must be a whole number", "kvTimeoutMs");
    expect(() =>
      withSettingNames(() => {
        throw internal;
      }),
    ).toThrow(internal);
    expect(withSettingNames(() => 42)).toBe(42);
  });
});

describe("LOG_LEVEL", () => {
  it("is a level of the config (info when unset)", () => {
    expect(readBffConfig(VALID).logLevel).toBe("info");
    expect(readBffConfig({ ...VALID, LOG_LEVEL: " warn " }).logLevel).toBe("warn");
    expect(configError({ LOG_LEVEL: "verbose" }).message).toBe("LOG_LEVEL must be debug, info, warn or error");
    expect(configError({ LOG_LEVEL: "constructor" }).option).toBe("LOG_LEVEL");
  });

  it("sets the worker's logger, which falls back to info on a value readBffConfig refuses", () => {
    const lines: string[] = [];
    const original = { log: console.log, warn: console.warn, error: console.error };
    Object.assign(console, { log: (line: string) => lines.push(line), warn: (line: string) => lines.push(line) });
    try {
      for (const level of ["error", "warn", ["debug"], undefined]) {
        const logger = workerLogger({ LOG_LEVEL: level });
        logger("debug", "d", {});
        logger("info", "i", {});
        logger("warn", "w", {});
      }
    } finally {
      Object.assign(console, original);
    }
    expect(lines.map((line) => JSON.parse(line).event)).toEqual(["w", "i", "w", "i", "w"]);
  });
});

// The same in the real runtime, with the whole system.
const started: LocalNetwork[] = [];
const stopLater: { dispose(): Promise<unknown> }[] = [];
afterAll(async () => {
  for (const line of started.flatMap((n) => n.logs)) expect(line).not.toContain(DEV_SECRET);
  await Promise.all([...started, ...stopLater].map((n) => n.dispose()));
});

async function network(options: LocalNetworkOptions): Promise<LocalNetwork> {
  const net = await startLocalNetwork(options);
  started.push(net);
  return net;
}

async function expectMisconfigured(response: Response, logs: string[], variable: string) {
  expect(response.status).toBe(500);
  const text = await response.text();
  expect(JSON.parse(text)).toMatchObject({ code: "misconfigured" });
  // The answer names nothing; the log names the variable.
  expect(text).not.toContain(variable);
  await expect.poll(() => logs.some((line) => line.includes('"bff_misconfigured"') && line.includes(variable))).toBe(true);
}

/** A TOML array or number reaches the worker as a JSON binding: these bindings are what wrangler makes of one. */
const json = (value: unknown) => value as string;

describe("in Miniflare", () => {
  it("refuses a cleartext MY_SERVICE_URL off loopback: no token is requested and nothing is sent", async () => {
    const net = await network({ serviceBinding: false, bffVars: { MY_SERVICE_URL: "http://myservice.example" } });
    await expectMisconfigured(await net.bff().fetch("/weatherforecast"), net.logs, "MY_SERVICE_URL");
    expect(await net.tokenRequests()).toBe(0);
  });

  it("refuses MY_SERVICE_URL with a password in it, and never logs the password", async () => {
    const net = await network({ serviceBinding: false, bffVars: { MY_SERVICE_URL: "http://me:hunter2@127.0.0.1:8787" } });
    await expectMisconfigured(await net.bff().fetch("/weatherforecast"), net.logs, "MY_SERVICE_URL");
    expect(await net.tokenRequests()).toBe(0);
    expect(net.logs.join("\n")).not.toContain("hunter2");
  });

  it.each([
    ["TOKEN_SCOPES", ["MyService/weather_read"]],
    ["TOKEN_REQUEST_TIMEOUT_MS", 5000],
    ["LOG_LEVEL", ["debug"]],
  ])("refuses %s as a TOML value that is not a string (%j), naming it", async (variable, value) => {
    const net = await network({ bffVars: { [variable]: json(value) } });
    await expectMisconfigured(await net.bff().fetch("/weatherforecast"), net.logs, variable);
    expect(await net.tokenRequests()).toBe(0);
  });

  it("refuses RATE_LIMIT as a TOML array (not read as unset, so not silently on or off), naming it", async () => {
    const bff = await startRateLimitedBff({ bffVars: { RATE_LIMIT: json(["off"]) } });
    stopLater.push(bff);
    const response = await bff.fetch("/weatherforecast");
    expect(response.status).toBe(500);
    expect(await response.json()).toMatchObject({ code: "misconfigured" });
    expect(await bff.counts()).toEqual({ tokenRequests: 0, myServiceRequests: 0 });
    await expect
      .poll(() => bff.logs.some((line: string) => line.includes('"bff_misconfigured"') && line.includes("RATE_LIMIT must be a string")))
      .toBe(true);
  });
});

// AUTH_SERVER_TOKEN_ENDPOINT_URL is checked once, by the library's token cache (the
// https-or-loopback rule of its tokenEndpoint option), and MyBFF names the setting
// (withSettingNames around the cache's construction in runtime.ts).
describe("AUTH_SERVER_TOKEN_ENDPOINT_URL, checked by the library", () => {
  it.each([
    ["cleartext off loopback", "http://auth.example/oauth2/token"],
    ["with a user name and password", "https://me:hunter2@auth.example/oauth2/token"],
  ])("is refused %s, naming AUTH_SERVER_TOKEN_ENDPOINT_URL, with no token request", async (_, url) => {
    const net = await network({ bffVars: { AUTH_SERVER_TOKEN_ENDPOINT_URL: url } });
    await expectMisconfigured(await net.bff().fetch("/weatherforecast"), net.logs, "AUTH_SERVER_TOKEN_ENDPOINT_URL");
    expect(await net.tokenRequests()).toBe(0);
    expect(net.logs.join("\n")).not.toContain("hunter2");
  });
});
