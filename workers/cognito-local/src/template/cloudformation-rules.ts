/**
 * The checks CloudFormation (through the Cognito API behind it) makes on an app
 * client, made here so that a template `aws cloudformation deploy` would refuse
 * stops cognito-local at start instead of running locally. Only rules that AWS's
 * documentation states are here, each with its page.
 * @module
 */
import { TemplateError } from "./template-error";

const CFN_CLIENT_PAGE = "https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-cognito-userpoolclient.html";

/** The OAuth flows an app client can name (AllowedOAuthFlows, CFN page). */
const OAUTH_FLOWS = ["code", "implicit", "client_credentials"] as const;
/** AllowedOAuthFlows holds at most 3 items (CFN page). */
const MAX_OAUTH_FLOWS = 3;
/** AllowedOAuthScopes holds at most 50 items (CFN page). */
const MAX_OAUTH_SCOPES = 50;
/** The scopes Cognito itself defines; every other scope must come from a resource server (CFN page, AllowedOAuthScopes). */
const STANDARD_SCOPES = ["phone", "email", "openid", "profile", "aws.cognito.signin.user.admin"];

/** The OAuth settings of one app client, as the template states them. */
export interface ClientOAuthSettings {
  logicalId: string;
  generateSecret: boolean;
  allowedOAuthFlows: string[];
  allowedOAuthFlowsUserPoolClient: boolean;
  allowedOAuthScopes: string[];
}

function refuse(logicalId: string, property: string, message: string, source: string): never {
  throw new TemplateError(`resource ${logicalId}: ${property}: ${message} (${source})`);
}

/**
 * Throws a {@link TemplateError} naming the resource and the property for the first
 * rule the client breaks; `customScopes` are the `<identifier>/<scope>` of the pool's
 * resource servers.
 *
 * @example
 * checkClientOAuthSettings({ logicalId: "C", generateSecret: false, allowedOAuthFlows: ["client_credentials"],
 *   allowedOAuthFlowsUserPoolClient: true, allowedOAuthScopes: ["Svc/read"] }, ["Svc/read"]);
 * // TemplateError: resource C: GenerateSecret: client_credentials needs a client secret ...
 */
export function checkClientOAuthSettings(client: ClientOAuthSettings, customScopes: string[]): void {
  const { logicalId, allowedOAuthFlows: flows, allowedOAuthScopes: scopes } = client;
  const unknownFlow = flows.find((flow) => !(OAUTH_FLOWS as readonly string[]).includes(flow));
  if (unknownFlow !== undefined) {
    refuse(logicalId, "AllowedOAuthFlows", `${unknownFlow} is not one of ${OAUTH_FLOWS.join(", ")}`, CFN_CLIENT_PAGE);
  }
  if (flows.length > MAX_OAUTH_FLOWS) refuse(logicalId, "AllowedOAuthFlows", `at most ${MAX_OAUTH_FLOWS} items`, CFN_CLIENT_PAGE);
  if (scopes.length > MAX_OAUTH_SCOPES) refuse(logicalId, "AllowedOAuthScopes", `at most ${MAX_OAUTH_SCOPES} items`, CFN_CLIENT_PAGE);
  // "This parameter must have a value of true before you can configure ... AllowedOAuthScopes ... AllowedOAuthFlows".
  if (!client.allowedOAuthFlowsUserPoolClient && (flows.length > 0 || scopes.length > 0)) {
    refuse(
      logicalId,
      "AllowedOAuthFlowsUserPoolClient",
      "must be true for a client with AllowedOAuthFlows or AllowedOAuthScopes",
      CFN_CLIENT_PAGE,
    );
  }
  // "ScopeDoesNotExistException": a scope is a standard one or one a resource server defines.
  const unknownScope = scopes.find((scope) => !STANDARD_SCOPES.includes(scope) && !customScopes.includes(scope));
  if (unknownScope !== undefined) {
    refuse(
      logicalId,
      "AllowedOAuthScopes",
      `${unknownScope} is defined by no AWS::Cognito::UserPoolResourceServer of the pool`,
      "https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_CreateUserPoolClient.html",
    );
  }
  if (!flows.includes("client_credentials")) return;
  // "you must add client_credentials as the only allowed OAuth flow".
  if (flows.length > 1) {
    refuse(logicalId, "AllowedOAuthFlows", "client_credentials must be the only allowed OAuth flow", CFN_CLIENT_PAGE);
  }
  // "Because client credentials requires a client secret".
  if (!client.generateSecret) {
    refuse(
      logicalId,
      "GenerateSecret",
      "must be true: the client_credentials flow needs a client secret",
      "https://docs.aws.amazon.com/cognito/latest/developerguide/token-endpoint.html",
    );
  }
  // M2M tokens authorize "only custom scopes from resource servers".
  const scopesPage = "https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-define-resource-servers.html";
  if (scopes.length === 0) {
    refuse(logicalId, "AllowedOAuthScopes", "a client_credentials client needs at least one custom scope of a resource server", scopesPage);
  }
  const standard = scopes.find((scope) => !customScopes.includes(scope));
  if (standard !== undefined) {
    refuse(
      logicalId,
      "AllowedOAuthScopes",
      `${standard} is not a custom scope: client_credentials authorizes custom scopes only`,
      scopesPage,
    );
  }
}

/** The explicit auth flow that lets an app client call GetClientToken. */
export const CLIENT_TOKEN_AUTH_FLOW = "ALLOW_CLIENT_TOKEN_AUTH";
const GET_CLIENT_TOKEN_PAGE = "https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_GetClientToken.html";

/** The explicit auth flows of one app client, as the template states them. */
export interface ClientAuthFlowSettings {
  logicalId: string;
  generateSecret: boolean;
  explicitAuthFlows: string[];
}

/**
 * Throws a {@link TemplateError} when a client names `ALLOW_CLIENT_TOKEN_AUTH` beside
 * another explicit auth flow, or without a secret. AWS, "GetClientToken" (Amazon Cognito
 * User Pools API Reference): "you must configure the app client with a client secret and
 * enable the ALLOW_CLIENT_TOKEN_AUTH authentication flow. The ALLOW_CLIENT_TOKEN_AUTH flow
 * is mutually exclusive with user authentication flows. It must be the only authentication
 * flow that you configure for the app client."
 *
 * @example
 * checkClientExplicitAuthFlows({ logicalId: "C", generateSecret: true,
 *   explicitAuthFlows: ["ALLOW_CLIENT_TOKEN_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"] });
 * // TemplateError: resource C: ExplicitAuthFlows: ALLOW_CLIENT_TOKEN_AUTH must be the only explicit auth flow ...
 */
export function checkClientExplicitAuthFlows(client: ClientAuthFlowSettings): void {
  const { logicalId, explicitAuthFlows: flows } = client;
  if (!flows.includes(CLIENT_TOKEN_AUTH_FLOW)) return;
  if (flows.length > 1) {
    const others = flows.filter((flow) => flow !== CLIENT_TOKEN_AUTH_FLOW);
    refuse(
      logicalId,
      "ExplicitAuthFlows",
      `${CLIENT_TOKEN_AUTH_FLOW} must be the only explicit auth flow, found also ${others.join(", ") || CLIENT_TOKEN_AUTH_FLOW}`,
      GET_CLIENT_TOKEN_PAGE,
    );
  }
  if (!client.generateSecret) {
    refuse(logicalId, "GenerateSecret", `must be true: ${CLIENT_TOKEN_AUTH_FLOW} needs a client secret`, GET_CLIENT_TOKEN_PAGE);
  }
}
