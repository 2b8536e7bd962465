// cognito-local at start: a template CloudFormation would refuse stops it with a
// message naming the resource and the property; the template's issuer format picks
// the local issuer (UPDATED on 127.0.0.1, ORIGINAL on localhost: src/local-issuer.ts).
import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import {
  type CognitoLocal,
  clientIdOf,
  DEV_SECRET,
  decodeJwtPart,
  poolInfo,
  startCognitoLocal,
  tokenForm,
} from "#test/support/cognito-local.ts";
import { TEMPLATE_PATH } from "#test/support/template-variants.ts";

// Each test starts Miniflare: on a loaded machine that takes longer than vitest's default 5 s.
const START_TIMEOUT_MS = 60_000;

const running: CognitoLocal[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((c) => c.dispose()));
});

const template = readFileSync(TEMPLATE_PATH, "utf8");

async function start(templateYaml?: string) {
  const cognito = await startCognitoLocal({ templateYaml });
  running.push(cognito);
  return cognito;
}

describe("a template CloudFormation would refuse", { timeout: START_TIMEOUT_MS }, () => {
  it.each([
    [
      "MyBFF without a secret",
      template.replace("GenerateSecret: true", "GenerateSecret: false"),
      "resource MyBFFUserPoolClient: GenerateSecret: must be true",
    ],
    [
      "MyBFF with a scope of no resource server",
      template.replace("- MyService/weather_read", "- MyService/weather_write"),
      "resource MyBFFUserPoolClient: AllowedOAuthScopes: MyService/weather_write is defined by no AWS::Cognito::UserPoolResourceServer",
    ],
    [
      "an issuer format that does not exist",
      template.replace("Issuer: { Format: UPDATED }", "Issuer: { Format: NEWEST }"),
      "resource MyServicesUserPool: IssuerConfiguration.Type: must be ORIGINAL or UPDATED",
    ],
  ])("stops cognito-local at start: %s", async (_, broken, message) => {
    expect(broken).not.toBe(template);
    let output = "";
    const starting = startCognitoLocal({
      templateYaml: broken,
      onRuntimeOutput: (text) => {
        output += text;
      },
    });
    await expect(starting).rejects.toThrow(/failed to start/);
    expect(output).toContain(message);
  });

  it("infra/cognito.yaml itself starts", async () => {
    let output = "";
    const cognito = await startCognitoLocal({
      templateYaml: template,
      onRuntimeOutput: (text) => {
        output += text;
      },
    });
    running.push(cognito);
    expect(output).not.toContain("TemplateError");
  });
});

describe("the issuer format of the template", { timeout: START_TIMEOUT_MS }, () => {
  async function issuedBy(cognito: CognitoLocal) {
    const pool = await poolInfo(cognito);
    const response = await cognito.fetch(
      "/oauth2/token",
      tokenForm({ grant_type: "client_credentials", client_id: clientIdOf(pool, "MyBFF"), client_secret: DEV_SECRET }),
    );
    const token = ((await response.json()) as { access_token: string }).access_token;
    const discovery = (await (await cognito.fetch(`/${pool.poolId}/.well-known/openid-configuration`)).json()) as {
      issuer: string;
      jwks_uri: string;
    };
    return { pool: pool as typeof pool & { issuerFormat: string }, iss: decodeJwtPart(token, 1).iss, discovery };
  }

  it("UPDATED (infra/cognito.yaml): iss on 127.0.0.1, the dev settings' issuer", async () => {
    const { pool, iss, discovery } = await issuedBy(await start());
    expect(pool.issuerFormat).toBe("UPDATED");
    expect(iss).toBe(`http://127.0.0.1:8789/${pool.poolId}`);
    expect(discovery).toMatchObject({ issuer: iss, jwks_uri: `${iss}/.well-known/jwks.json` });
  });

  it("ORIGINAL: iss on localhost, and the JWKS is served there", async () => {
    const cognito = await start(template.replace("Issuer: { Format: UPDATED }", "Issuer: { Format: ORIGINAL }"));
    const { pool, iss, discovery } = await issuedBy(cognito);
    expect(pool.issuerFormat).toBe("ORIGINAL");
    expect(iss).toBe(`http://localhost:8789/${pool.poolId}`);
    expect(discovery).toMatchObject({ issuer: iss, jwks_uri: `${iss}/.well-known/jwks.json` });
    const jwks = (await (await cognito.fetch(discovery.jwks_uri)).json()) as { keys: unknown[] };
    expect(jwks.keys).toHaveLength(2);
  });

  it("ORIGINAL when the template sets no IssuerConfiguration, as AWS", async () => {
    const { pool, iss } = await issuedBy(await start(template.replace(/ {6}IssuerConfiguration:\n {8}Type: [^\n]+\n/, "")));
    expect(pool.issuerFormat).toBe("ORIGINAL");
    expect(iss).toBe(`http://localhost:8789/${pool.poolId}`);
  });
});
