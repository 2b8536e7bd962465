// Reading the pool out of CloudFormation: the real template, and the templates
// cognito-local must refuse rather than run half-understood.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { TEMPLATE_PATH } from "#test/support/template-variants.ts";
import { readPoolDefinition, TemplateError } from "../../src/template/pool-definition";

const template = readFileSync(TEMPLATE_PATH, "utf8");

const withClient = (properties: string) => `
Resources:
  Pool:
    Type: AWS::Cognito::UserPool
    Properties:
      UserPoolName: P
  Server:
    Type: AWS::Cognito::UserPoolResourceServer
    Properties:
      Identifier: Svc
      Name: Svc
      Scopes: [{ ScopeName: read, ScopeDescription: r }]
      UserPoolId: !Ref Pool
  Client:
    Type: AWS::Cognito::UserPoolClient
    Properties:
      UserPoolId: !Ref Pool
${properties.replace(/^/gm, "      ")}
`;

describe("readPoolDefinition", () => {
  it("reads infra/cognito.yaml: MyService's scope and MyBFF's client", () => {
    expect(readPoolDefinition(template)).toEqual({
      userPoolName: "MyServicesUserPool",
      issuerFormat: "UPDATED",
      scopes: ["MyService/weather_read"],
      clients: [
        {
          logicalId: "MyBFFUserPoolClient",
          clientName: "MyBFF",
          generateSecret: true,
          clientCredentialsAllowed: true,
          codeFlowAllowed: false,
          clientTokenAuthAllowed: true,
          allowedScopes: ["MyService/weather_read"],
          accessTokenValiditySeconds: 3600,
        },
      ],
    });
  });

  it("turns token validity units into seconds", () => {
    const pool = readPoolDefinition(withClient("ClientName: C\nAccessTokenValidity: 90\nTokenValidityUnits:\n  AccessToken: minutes"));
    expect(pool.clients[0]!.accessTokenValiditySeconds).toBe(5400);
  });

  it("reads a valid client-credentials client, and a code-flow client with standard scopes", () => {
    const m2m = readPoolDefinition(withClient(M2M)).clients[0]!;
    expect(m2m).toMatchObject({ clientCredentialsAllowed: true, codeFlowAllowed: false, allowedScopes: ["Svc/read"] });
    const web = readPoolDefinition(
      withClient(
        "ClientName: C\nAllowedOAuthFlowsUserPoolClient: true\nAllowedOAuthFlows: [code]\nAllowedOAuthScopes: [openid, email, Svc/read]",
      ),
    ).clients[0]!;
    expect(web).toMatchObject({ clientCredentialsAllowed: false, codeFlowAllowed: true });
  });

  it.each([
    ["not YAML", "Resources: [unclosed", /not valid YAML/],
    ["no Resources", "Description: nothing", /no Resources/],
    ["no user pool", "Resources:\n  X:\n    Type: AWS::S3::Bucket", /exactly one AWS::Cognito::UserPool/],
    ["a client without a name", withClient("GenerateSecret: true"), /resource Client: ClientName/],
  ])("refuses a template with %s", (_, text, message) => {
    expect(() => readPoolDefinition(text)).toThrow(TemplateError);
    expect(() => readPoolDefinition(text)).toThrow(message);
  });
});

// A client-credentials client CloudFormation accepts; each case below breaks one rule.
const M2M =
  "ClientName: C\nGenerateSecret: true\nAllowedOAuthFlowsUserPoolClient: true\nAllowedOAuthFlows: [client_credentials]\nAllowedOAuthScopes: [Svc/read]";

describe("templates CloudFormation would refuse", () => {
  it.each([
    // https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-cognito-userpoolclient.html
    [
      "client_credentials without a secret",
      M2M.replace("GenerateSecret: true", "GenerateSecret: false"),
      "resource Client: GenerateSecret: must be true",
    ],
    [
      "client_credentials with GenerateSecret left out",
      M2M.replace("GenerateSecret: true\n", ""),
      "resource Client: GenerateSecret: must be true",
    ],
    [
      "client_credentials with no scope",
      M2M.replace("AllowedOAuthScopes: [Svc/read]", "AllowedOAuthScopes: []"),
      "resource Client: AllowedOAuthScopes: a client_credentials client needs at least one custom scope",
    ],
    [
      "client_credentials with a standard scope",
      M2M.replace("[Svc/read]", "[Svc/read, openid]"),
      "resource Client: AllowedOAuthScopes: openid is not a custom scope",
    ],
    [
      "client_credentials with another flow",
      M2M.replace("[client_credentials]", "[client_credentials, code]"),
      "resource Client: AllowedOAuthFlows: client_credentials must be the only allowed OAuth flow",
    ],
    [
      "a scope no resource server defines",
      M2M.replace("[Svc/read]", "[Svc/write]"),
      "resource Client: AllowedOAuthScopes: Svc/write is defined by no AWS::Cognito::UserPoolResourceServer",
    ],
    [
      "OAuth flows without AllowedOAuthFlowsUserPoolClient",
      M2M.replace("AllowedOAuthFlowsUserPoolClient: true", "AllowedOAuthFlowsUserPoolClient: false"),
      "resource Client: AllowedOAuthFlowsUserPoolClient: must be true",
    ],
    [
      "a flow that does not exist",
      M2M.replace("[client_credentials]", "[password]"),
      "resource Client: AllowedOAuthFlows: password is not one of code, implicit, client_credentials",
    ],
    // AWS, "GetClientToken" (Amazon Cognito User Pools API Reference,
    // https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_GetClientToken.html):
    // "you must configure the app client with a client secret and enable the ALLOW_CLIENT_TOKEN_AUTH
    // authentication flow ... It must be the only authentication flow that you configure for the app client."
    [
      "ALLOW_CLIENT_TOKEN_AUTH beside another explicit auth flow",
      `${M2M}\nExplicitAuthFlows: [ALLOW_CLIENT_TOKEN_AUTH, ALLOW_REFRESH_TOKEN_AUTH]`,
      "resource Client: ExplicitAuthFlows: ALLOW_CLIENT_TOKEN_AUTH must be the only explicit auth flow, found also ALLOW_REFRESH_TOKEN_AUTH (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_GetClientToken.html)",
    ],
    [
      "ALLOW_CLIENT_TOKEN_AUTH without a secret",
      "ClientName: C\nGenerateSecret: false\nExplicitAuthFlows: [ALLOW_CLIENT_TOKEN_AUTH]",
      "resource Client: GenerateSecret: must be true: ALLOW_CLIENT_TOKEN_AUTH needs a client secret (https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_GetClientToken.html)",
    ],
    [
      "an access token valid over a day",
      "ClientName: C\nAccessTokenValidity: 25",
      "resource Client: AccessTokenValidity: must be between 5 minutes and 1 day",
    ],
    [
      "an access token valid under 5 minutes",
      "ClientName: C\nAccessTokenValidity: 4\nTokenValidityUnits: { AccessToken: minutes }",
      "resource Client: AccessTokenValidity: must be between 5 minutes and 1 day",
    ],
    [
      "a token validity unit that does not exist",
      "ClientName: C\nAccessTokenValidity: 4\nTokenValidityUnits: { AccessToken: weeks }",
      "resource Client: TokenValidityUnits.AccessToken",
    ],
  ])("refuses %s, naming the resource and the property", (_, properties, message) => {
    expect(() => readPoolDefinition(withClient(properties))).toThrow(TemplateError);
    expect(() => readPoolDefinition(withClient(properties))).toThrow(message);
  });
});

describe("the issuer format", () => {
  const poolWith = (issuerConfiguration: string, mappings = "") => `${mappings}
Resources:
  Pool:
    Type: AWS::Cognito::UserPool
    Properties:
      UserPoolName: P
${issuerConfiguration.replace(/^/gm, "      ")}
`;

  it("is ORIGINAL when the template sets none, as AWS's default", () => {
    expect(readPoolDefinition(poolWith("")).issuerFormat).toBe("ORIGINAL");
  });

  it.each(["ORIGINAL", "UPDATED"])("reads %s written literally", (format) => {
    expect(readPoolDefinition(poolWith(`IssuerConfiguration: { Type: ${format} }`)).issuerFormat).toBe(format);
  });

  it("reads it through Fn::FindInMap, nested as infra/cognito.yaml does", () => {
    const mappings = "Mappings:\n  Hosts:\n    UPDATED: { Host: h }\n  Pinned:\n    Issuer: { Format: UPDATED, Key: Issuer }";
    const text = poolWith("IssuerConfiguration:\n  Type: !FindInMap [Pinned, !FindInMap [Pinned, Issuer, Key], Format]", mappings);
    expect(readPoolDefinition(text).issuerFormat).toBe("UPDATED");
  });

  it.each([
    [
      "a value CloudFormation does not allow",
      "IssuerConfiguration: { Type: NEWEST }",
      /resource Pool: IssuerConfiguration.Type: must be ORIGINAL or UPDATED/,
    ],
    [
      "a Ref to a parameter cognito-local cannot know",
      "IssuerConfiguration: { Type: !Ref Format }",
      /resource Pool: IssuerConfiguration.Type: .*not Ref/,
    ],
    [
      "a mapping that does not exist",
      "IssuerConfiguration: { Type: !FindInMap [Nope, Issuer, Format] }",
      /resource Pool: IssuerConfiguration.Type: Mappings has no Nope.Issuer.Format/,
    ],
  ])("refuses %s", (_, text, message) => {
    expect(() => readPoolDefinition(poolWith(text))).toThrow(message);
  });
});
