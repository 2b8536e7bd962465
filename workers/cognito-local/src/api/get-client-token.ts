/**
 * The user pools API operation GetClientToken, on cognito-local's origin as on
 * `https://cognito-idp.<region>.amazonaws.com/`: `POST /` with
 * `X-Amz-Target: AWSCognitoIdentityProviderService.GetClientToken` and
 * `Content-Type: application/x-amz-json-1.1`, body `{"ClientId","Secret","Scopes"?,"ClientMetadata"?}`,
 * answer `{"ClientAuthenticationResult":{"AccessToken","ExpiresIn","TokenType"}}`.
 *
 * Sources: AWS, "GetClientToken" (Amazon Cognito User Pools API Reference,
 * https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_GetClientToken.html),
 * "ClientAuthenticationResultType" (same reference, API_ClientAuthenticationResultType.html),
 * and "Scopes, M2M, and resource servers" (Amazon Cognito Developer Guide,
 * https://docs.aws.amazon.com/cognito/latest/developerguide/cognito-user-pools-define-resource-servers.html).
 * "Amazon Cognito doesn't evaluate Identity and Access Management (IAM) policies in requests
 * for this API operation": the secret in the body is the credential, and an `Authorization`
 * header (SigV4, signed or not) is ignored.
 *
 * Which error answers which fault is documented only as the list of the operation's errors
 * (the SDK's GetClientTokenCommand: Forbidden, InternalError, InvalidParameter,
 * NotAuthorized, OperationNotEnabled, ResourceNotFound, TooManyRequests); cognito-local's
 * mapping of each fault to one of them is not confirmed against AWS (README, behaviour table):
 *   malformed request or refused scope -> InvalidParameterException
 *   unknown ClientId                   -> ResourceNotFoundException
 *   wrong Secret, client with none     -> NotAuthorizedException
 *   client without ALLOW_CLIENT_TOKEN_AUTH -> OperationNotEnabledException
 * ForbiddenException (AWS WAF) and TooManyRequestsException are never met here.
 * `ClientMetadata` only feeds a pre token generation trigger; cognito-local's stand-in for
 * one (token/token-customization.ts) is set through /_dev, so the map is checked and not used.
 * @module
 */
import { z } from "zod";
import type { SigningKeys } from "../keys/signing-keys";
import type { Pool } from "../pool";
import { authenticatedClient } from "../token/authenticate-client";
import { clientAccessToken, grantedScopes, ScopeRefusedError } from "../token/client-token";
import { AWS_JSON_CONTENT_TYPE, AwsJsonError } from "./aws-json-error";

export const GET_CLIENT_TOKEN_TARGET = "AWSCognitoIdentityProviderService.GetClientToken";

// A GetClientToken body is a few hundred bytes; anything near this is not a client of ours.
const MAX_BODY_BYTES = 16 * 1024;

// ClientId: 1 to 128 characters of [\w+] (the constraint the API reference gives every ClientId,
// e.g. AddUserPoolClientSecret's); the other members as GetClientToken's request syntax types them.
const requestSchema = z.object({
  ClientId: z.string().regex(/^[\w+]{1,128}$/),
  Secret: z.string().min(1),
  Scopes: z.array(z.string().min(1)).optional(),
  ClientMetadata: z.record(z.string(), z.string()).optional(),
});

async function readRequest(request: Request): Promise<z.infer<typeof requestSchema>> {
  const contentType = request.headers.get("Content-Type")?.split(";")[0]?.trim().toLowerCase();
  if (contentType !== AWS_JSON_CONTENT_TYPE) {
    throw new AwsJsonError("InvalidParameterException", `Content-Type must be ${AWS_JSON_CONTENT_TYPE}`);
  }
  const body = await request.arrayBuffer();
  if (body.byteLength > MAX_BODY_BYTES) throw new AwsJsonError("InvalidParameterException", "the request body is too large");
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(body));
  } catch {
    throw new AwsJsonError("InvalidParameterException", "the request body is not JSON");
  }
  const parsed = requestSchema.safeParse(json);
  if (!parsed.success) {
    // Names the member, never its value: the value may be the secret.
    const member = parsed.error.issues[0]?.path[0] ?? "body";
    throw new AwsJsonError("InvalidParameterException", `${String(member)} is missing or not valid`);
  }
  return parsed.data;
}

export interface ClientTokenResult {
  body: { ClientAuthenticationResult: { AccessToken: string; ExpiresIn: number; TokenType: "Bearer" } };
  clientId: string;
}

/** Answers one GetClientToken request; throws {@link AwsJsonError}. */
export async function handleGetClientToken(request: Request, pool: Pool, keys: SigningKeys, now: number): Promise<ClientTokenResult> {
  const { ClientId, Secret, Scopes } = await readRequest(request);
  if (!pool.clientsById.has(ClientId)) throw new AwsJsonError("ResourceNotFoundException", "the app client does not exist");
  const client = await authenticatedClient(pool, ClientId, Secret);
  if (!client) throw new AwsJsonError("NotAuthorizedException", "the client secret is not valid for this app client");
  if (!client.clientTokenAuthAllowed) {
    throw new AwsJsonError("OperationNotEnabledException", "the app client does not have the ALLOW_CLIENT_TOKEN_AUTH flow");
  }
  let scopes: string[];
  try {
    scopes = grantedScopes(pool, client, Scopes === undefined || Scopes.length === 0 ? null : Scopes);
  } catch (error) {
    if (error instanceof ScopeRefusedError) throw new AwsJsonError("InvalidParameterException", error.message);
    throw error;
  }
  const { accessToken, expiresIn } = await clientAccessToken(pool, client, scopes, keys, now);
  return {
    body: { ClientAuthenticationResult: { AccessToken: accessToken, ExpiresIn: expiresIn, TokenType: "Bearer" } },
    clientId: client.clientId,
  };
}
