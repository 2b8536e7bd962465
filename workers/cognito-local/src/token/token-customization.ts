/**
 * What a pre token generation trigger of event version 3 would do to a client's access
 * tokens, set through `/_dev` instead of a Lambda function: cognito-local runs no code of
 * the user, it applies the response such a function would return.
 *
 * AWS, "Pre token generation Lambda trigger" (Amazon Cognito Developer Guide,
 * https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-pre-token-generation.html):
 * the `V3_0` event brings "access token customization for machine-to-machine (M2M)
 * client-credentials grants" (Essentials and Plus plans), and V2/V3 responses can pass
 * claim values of type "String", "Number", "Boolean", "Array of strings, numbers,
 * booleans, or a combination of any of these" and "JSON". The response names the access
 * token's changes in `claimsAndScopeOverrideDetails.accessTokenGeneration`:
 * `claimsToAddOrOverride`, `claimsToSuppress`, `scopesToAdd`, `scopesToSuppress`.
 *
 * Not confirmed: which claims Cognito refuses to let a trigger change (the page's list
 * could not be read through the documentation search). cognito-local refuses every claim
 * it writes itself and the JWT claims verifiers act on (PROTECTED_CLAIMS), and `scope`,
 * which a trigger changes through scopesToAdd and scopesToSuppress only; a refused
 * customization is a 400 at `/_dev`, never a silently different token.
 * @module
 */
import { z } from "zod";

export interface TokenCustomization {
  claimsToAddOrOverride: Record<string, unknown>;
  claimsToSuppress: string[];
  scopesToAdd: string[];
  scopesToSuppress: string[];
}

/** The claims a customization may not add, override or suppress (see the module comment). */
const PROTECTED_CLAIMS = [
  "sub",
  "client_id",
  "token_use",
  "scope",
  "auth_time",
  "iss",
  "exp",
  "iat",
  "nbf",
  "aud",
  "version",
  "jti",
] as const;

const SCOPE = /^[\x21\x23-\x5B\x5D-\x7E]+$/; // RFC 6749 3.3 scope-token

// A claim value of one of the documented types: no null, at any depth.
const claimValue: z.ZodType<unknown> = z.lazy(() =>
  z.union([z.string(), z.number(), z.boolean(), z.array(claimValue), z.record(z.string(), claimValue)]),
);

const responseSchema = z.strictObject({
  claimsAndScopeOverrideDetails: z.strictObject({
    accessTokenGeneration: z.strictObject({
      claimsToAddOrOverride: z.record(z.string().min(1), claimValue).default({}),
      claimsToSuppress: z.array(z.string().min(1)).default([]),
      scopesToAdd: z.array(z.string().regex(SCOPE)).default([]),
      scopesToSuppress: z.array(z.string().regex(SCOPE)).default([]),
    }),
  }),
});

/** Why a customization was refused, for the `/_dev` answer. */
export class CustomizationError extends Error {
  override name = this.constructor.name;
}

/**
 * Reads a trigger response of the V3 shape,
 * `{"claimsAndScopeOverrideDetails":{"accessTokenGeneration":{...}}}`; throws
 * {@link CustomizationError} for any other shape or a protected claim.
 */
export function readTokenCustomization(body: unknown): TokenCustomization {
  const parsed = responseSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CustomizationError(`${issue?.path.join(".") || "body"}: ${issue?.message ?? "invalid"}`);
  }
  const customization = parsed.data.claimsAndScopeOverrideDetails.accessTokenGeneration;
  const touched = [...Object.keys(customization.claimsToAddOrOverride), ...customization.claimsToSuppress];
  const protectedClaim = touched.find((claim) => (PROTECTED_CLAIMS as readonly string[]).includes(claim));
  if (protectedClaim !== undefined) {
    throw new CustomizationError(
      `${protectedClaim} cannot be changed by a trigger in cognito-local${protectedClaim === "scope" ? " (use scopesToAdd and scopesToSuppress)" : ""}`,
    );
  }
  return customization;
}

/** The claims of a token after the customization: scopes suppressed then added, claims suppressed then added. */
export function customizedClaims(claims: Record<string, unknown>, customization: TokenCustomization | null): Record<string, unknown> {
  if (customization === null) return claims;
  const granted = String(claims.scope ?? "")
    .split(" ")
    .filter((scope) => scope !== "" && !customization.scopesToSuppress.includes(scope));
  const scopes = [...new Set([...granted, ...customization.scopesToAdd])];
  const result: Record<string, unknown> = { ...claims, scope: scopes.join(" ") };
  if (scopes.length === 0) delete result.scope;
  for (const claim of customization.claimsToSuppress) delete result[claim];
  return { ...result, ...customization.claimsToAddOrOverride };
}

/**
 * The longest customized token cognito-local issues, in bytes: a customization whose
 * largest token would be longer is refused at `/_dev`. Not an AWS figure: no bound on a
 * customized access token's size was found in AWS's documentation ("Understanding user
 * pool JSON web tokens (JWTs)" only says "Your app must be able to store tokens of varying
 * sizes"). It is edge-cc-auth's default `maxTokenBytes` (DEFAULT_MAX_TOKEN_BYTES), so the
 * largest token cognito-local can produce is one MyService must accept.
 */
export const MAX_CUSTOMIZED_TOKEN_BYTES = 8 * 1024;
