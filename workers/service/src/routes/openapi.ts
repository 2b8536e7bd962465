/**
 * MyService's OpenAPI document as the worker serves it: the file generated from the route
 * definitions at build time (routes/openapi.build.ts, `node scripts/generate-openapi.mjs`),
 * so that neither startup nor a request builds a zod schema. The scopes a route requires
 * are read from the same document, so what it declares is what its middleware enforces.
 * @module
 */
import document from "./openapi.generated.json";

/** The security scheme whose scopes are enforced; a route may declare no other. */
const SECURITY_SCHEME = "cognito";

/** What the generator put where the token URL goes: the settings' URL replaces it when served. */
const placeholder = document.components.securitySchemes[SECURITY_SCHEME].flows.clientCredentials.tokenUrl;

/** The serialized document around its placeholder, split once per isolate, on the first /openapi.json. */
let halves: string[] | undefined;

/** The document with `tokenUrl` (COGNITO_TOKEN_URL), as `c.json(document)` would serialize it. */
export function openApiJson(tokenUrl: string): string {
  halves ??= JSON.stringify(document).split(JSON.stringify(placeholder));
  if (halves.length !== 2) throw new Error("the generated OpenAPI document must hold its token URL placeholder once");
  return halves.join(JSON.stringify(tokenUrl));
}

/**
 * The scopes `GET path` declares (`security: [{ cognito: [...] }]`), one list per
 * alternative, for `accessTokenAuth({ requiredScopes })`.
 * @throws {Error} when the route declares no security, or a scheme other than `cognito`
 */
export function declaredScopes(path: keyof typeof document.paths): string[][] {
  const security: Record<string, string[]>[] = document.paths[path].get.security ?? [];
  if (security.length === 0) throw new Error(`GET ${path} declares no security`);
  return security.map((requirement) => {
    const scopes = requirement[SECURITY_SCHEME];
    if (Object.keys(requirement).length !== 1 || scopes === undefined) {
      throw new Error(`GET ${path}: only the "${SECURITY_SCHEME}" security scheme is enforced`);
    }
    return scopes;
  });
}
