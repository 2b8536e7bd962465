// Reading the pool out of CloudFormation: the real template, and the templates
// cognito-local must refuse rather than run half-understood.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { readPoolDefinition, TemplateError } from "../../src/template/pool-definition";
import { TEMPLATE_PATH } from "../../../../test/support/template-variants";

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
      scopes: ["MyService/weather_read"],
      clients: [
        {
          logicalId: "MyBFFUserPoolClient",
          clientName: "MyBFF",
          generateSecret: true,
          clientCredentialsAllowed: true,
          allowedScopes: ["MyService/weather_read"],
          accessTokenValiditySeconds: 3600,
        },
      ],
    });
  });

  it("turns token validity units into seconds", () => {
    const pool = readPoolDefinition(withClient(
      "ClientName: C\nAccessTokenValidity: 90\nTokenValidityUnits:\n  AccessToken: minutes",
    ));
    expect(pool.clients[0]!.accessTokenValiditySeconds).toBe(5400);
  });

  it("needs both AllowedOAuthFlows and AllowedOAuthFlowsUserPoolClient for client_credentials", () => {
    const pool = readPoolDefinition(withClient(
      "ClientName: C\nAllowedOAuthFlows: [client_credentials]\nAllowedOAuthFlowsUserPoolClient: false",
    ));
    expect(pool.clients[0]!.clientCredentialsAllowed).toBe(false);
  });

  it.each([
    ["not YAML", "Resources: [unclosed", /not valid YAML/],
    ["no Resources", "Description: nothing", /no Resources/],
    ["no user pool", "Resources:\n  X:\n    Type: AWS::S3::Bucket", /exactly one AWS::Cognito::UserPool/],
    ["a scope no resource server defines", withClient("ClientName: C\nAllowedOAuthScopes: [Svc/write]"), /Svc\/write/],
    ["a lifetime over a day", withClient("ClientName: C\nAccessTokenValidity: 25"), /between 5 minutes and 1 day/],
    ["a client without a name", withClient("GenerateSecret: true"), /ClientName/],
  ])("refuses a template with %s", (_, text, message) => {
    expect(() => readPoolDefinition(text)).toThrow(TemplateError);
    expect(() => readPoolDefinition(text)).toThrow(message);
  });
});
