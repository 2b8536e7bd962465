// infra/cognito.yaml plus app clients the real template does not need, for tests
// that must meet them: a client without the client-credentials flow, a client
// of another resource server (a valid token of the pool without MyService's scope,
// and without ALLOW_CLIENT_TOKEN_AUTH), and a client like MyBFF whose tokens tests
// customize (workers/service/test/customized-tokens.test.ts), so that customizing it
// never changes MyBFF's tokens under another test file.
import { readFileSync } from "node:fs";
import { join } from "node:path";

export const TEMPLATE_PATH = join(import.meta.dirname, "..", "..", "infra", "cognito.yaml");

export const EXTRA_CLIENT_SECRETS = {
  CLIENT_SECRET_NoFlow: "no-flow-secret",
  CLIENT_SECRET_Other: "other-secret",
  CLIENT_SECRET_Customized: "customized-secret-not-for-production",
};

export function templateWithExtraClients(): string {
  const template = readFileSync(TEMPLATE_PATH, "utf8").replace(/\nOutputs:[\s\S]*$/, "\n");
  return `${template}
  NoFlowClient:
    Type: AWS::Cognito::UserPoolClient
    Properties:
      ClientName: NoFlow
      GenerateSecret: true
      AllowedOAuthFlows: [code]
      AllowedOAuthFlowsUserPoolClient: true
      AllowedOAuthScopes: [MyService/weather_read]
      UserPoolId: !Ref MyServicesUserPool
  OtherScopeServer:
    Type: AWS::Cognito::UserPoolResourceServer
    Properties:
      Identifier: OtherService
      Name: OtherService
      Scopes:
        - ScopeName: read
          ScopeDescription: read
      UserPoolId: !Ref MyServicesUserPool
  OtherClient:
    Type: AWS::Cognito::UserPoolClient
    Properties:
      ClientName: Other
      GenerateSecret: true
      AccessTokenValidity: 10
      TokenValidityUnits: { AccessToken: minutes }
      AllowedOAuthFlows: [client_credentials]
      AllowedOAuthFlowsUserPoolClient: true
      AllowedOAuthScopes: [OtherService/read]
      UserPoolId: !Ref MyServicesUserPool
  CustomizedClient:
    Type: AWS::Cognito::UserPoolClient
    Properties:
      ClientName: Customized
      GenerateSecret: true
      AllowedOAuthFlows: [client_credentials]
      AllowedOAuthFlowsUserPoolClient: true
      AllowedOAuthScopes: [MyService/weather_read]
      ExplicitAuthFlows: [ALLOW_CLIENT_TOKEN_AUTH]
      UserPoolId: !Ref MyServicesUserPool
`;
}
