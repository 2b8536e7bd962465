// Calls to cognito-local from tests running inside workerd (the pool routes
// fetches to http://127.0.0.1:8789 to the cognito-local auxiliary worker).
import { decodeProtectedHeader } from "jose";

export const COGNITO = "http://127.0.0.1:8789";
const BFF_CLIENT_SECRET = "local-dev-secret-not-for-production";
export const OTHER_CLIENT_SECRET = "other-secret";
/** The secret of the "Customized" client of test/support/template-variants.ts. */
export const CUSTOMIZED_CLIENT_SECRET = "customized-secret-not-for-production";
/** What a non-browser caller of cognito-local's /_dev routes sends (workers/cognito-local/src/loopback-only.ts). */
const DEV_CALLER_HEADERS = { "X-Cognito-Local-Dev": "1" } as const;

interface PoolInfo {
  poolId: string;
  issuer: string;
  clients: Array<{ clientName: string; clientId: string }>;
}

let pool: Promise<PoolInfo> | undefined;

export function poolInfo(): Promise<PoolInfo> {
  pool ??= fetch(`${COGNITO}/_dev/pool`, { headers: DEV_CALLER_HEADERS }).then((r) => r.json() as Promise<PoolInfo>);
  return pool;
}

export async function clientId(clientName: string): Promise<string> {
  const client = (await poolInfo()).clients.find((c) => c.clientName === clientName);
  if (!client) throw new Error(`cognito-local has no client ${clientName}`);
  return client.clientId;
}

/** A token from cognito-local's token endpoint, as a client would get it. */
export async function tokenFor(clientName = "MyBFF", secret = BFF_CLIENT_SECRET): Promise<string> {
  const response = await fetch(`${COGNITO}/oauth2/token`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "client_credentials", client_id: await clientId(clientName), client_secret: secret }),
  });
  if (response.status !== 200) throw new Error(`token endpoint answered ${response.status}`);
  return ((await response.json()) as { access_token: string }).access_token;
}

export async function rotateKeys(dropPrevious = false): Promise<string> {
  const response = await fetch(`${COGNITO}/_dev/keys/rotate?dropPrevious=${dropPrevious}`, { method: "POST", headers: DEV_CALLER_HEADERS });
  return ((await response.json()) as { kid: string }).kid;
}

export async function stats(): Promise<{ tokensIssuedTotal: number; jwksRequests: number }> {
  return (await fetch(`${COGNITO}/_dev/stats`, { headers: DEV_CALLER_HEADERS })).json() as Promise<{
    tokensIssuedTotal: number;
    jwksRequests: number;
  }>;
}

export function kidOf(token: string): string {
  return String(decodeProtectedHeader(token).kid);
}

/** A token signed with the pool's active key over exactly this header and payload text. */
export async function signWithPoolKey(payload: string, header?: Record<string, unknown>): Promise<string> {
  const response = await fetch(`${COGNITO}/_dev/sign`, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...DEV_CALLER_HEADERS },
    body: JSON.stringify({ payload, header }),
  });
  if (response.status !== 200) throw new Error(`/_dev/sign answered ${response.status}`);
  return ((await response.json()) as { token: string }).token;
}

/** A token from cognito-local's GetClientToken (POST / with X-Amz-Target), as an AWS SDK would get it. */
export async function clientTokenFor(clientName: string, secret: string): Promise<string> {
  const response = await fetch(`${COGNITO}/`, {
    method: "POST",
    headers: { "Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "AWSCognitoIdentityProviderService.GetClientToken" },
    body: JSON.stringify({ ClientId: await clientId(clientName), Secret: secret }),
  });
  if (response.status !== 200) throw new Error(`GetClientToken answered ${response.status}`);
  return ((await response.json()) as { ClientAuthenticationResult: { AccessToken: string } }).ClientAuthenticationResult.AccessToken;
}

/**
 * Customizes a client's access tokens as a pre token generation trigger (event version 3)
 * would, with the trigger response's `accessTokenGeneration`; null removes it. Answers the
 * size of the largest token the customization gives, or throws with cognito-local's refusal.
 */
export async function customizeTokens(clientName: string, accessTokenGeneration: Record<string, unknown> | null): Promise<number> {
  const path = `${COGNITO}/_dev/clients/${await clientId(clientName)}/token-customization`;
  if (accessTokenGeneration === null) {
    await fetch(path, { method: "DELETE", headers: DEV_CALLER_HEADERS });
    return 0;
  }
  const response = await fetch(path, {
    method: "PUT",
    headers: { "Content-Type": "application/json", ...DEV_CALLER_HEADERS },
    body: JSON.stringify({ claimsAndScopeOverrideDetails: { accessTokenGeneration } }),
  });
  if (response.status !== 200) throw new Error(`token-customization answered ${response.status}: ${await response.text()}`);
  return ((await response.json()) as { largestTokenBytes: number }).largestTokenBytes;
}
