/**
 * Reads an issuer's metadata: where its keys are (`jwks_uri`) and where it gives tokens
 * (`token_endpoint`), from the issuer URL alone.
 *
 * Two documents, in this order:
 * - RFC 8414 section 3.1, `/.well-known/oauth-authorization-server` inserted between
 *   the host and the issuer's path (https://www.rfc-editor.org/rfc/rfc8414#section-3.1);
 * - OpenID Connect Discovery 1.0 section 4, `/.well-known/openid-configuration`
 *   appended to the issuer (https://openid.net/specs/openid-connect-discovery-1_0.html#ProviderConfig),
 *   asked only when the first answers a 4xx (Cognito publishes only this one).
 *
 * The document's `issuer` must equal the configured issuer exactly (RFC 8414 section
 * 3.3, OpenID Discovery section 4.3): metadata served for another issuer, or an issuer
 * written differently, is a configuration error, not something to trust or guess at.
 * Fetched as the key set is: no redirect followed, a timeout, a size cap; the URLs it
 * names must be https, or http on a loopback host, as the issuer's own.
 * @module
 */
import { ConfigError, DiscoveryError } from "../errors.ts";
import { isTimeout } from "../http/is-timeout.ts";
import { BodyTooLargeError, readBodyText } from "../http/read-body.ts";
import { isLoopbackHost } from "../jwt/loopback.ts";
import { numberOption } from "../options.ts";

/** The members of an issuer's metadata this library uses. */
export interface IssuerMetadata {
  /** Equal to the configured issuer. */
  issuer: string;
  /** Where the issuer's keys are, when it says. */
  jwks_uri?: string;
  /** Where the issuer gives tokens, when it says. */
  token_endpoint?: string;
}

/** How the metadata is fetched: the key set's defaults. */
export interface IssuerMetadataOptions {
  /** Abort each fetch after this long. Default 5 s, as for the key set. */
  timeoutMs?: number;
  /** Refuse documents larger than this. Default 64 KiB, as for the key set. */
  maxResponseBytes?: number;
  /** The fetch to use; defaults to the global one. It is given `redirect: "manual"` requests. */
  fetch?: (request: Request) => Promise<Response>;
}

const METADATA_TIMEOUT_MS = 5_000;
const METADATA_MAX_RESPONSE_BYTES = 64 * 1024;

/** The two well-known URLs of an issuer, RFC 8414's first. */
function metadataUrls(issuer: string): string[] {
  const url = new URL(issuer);
  const path = url.pathname === "/" ? "" : url.pathname;
  return [`${url.origin}/.well-known/oauth-authorization-server${path}`, `${issuer}/.well-known/openid-configuration`];
}

/** An endpoint named by the metadata: https, or http on a loopback host; nothing else is fetched. */
function endpoint(document: Record<string, unknown>, member: "jwks_uri" | "token_endpoint"): string | undefined {
  const value = document[member];
  if (value === undefined) return undefined;
  let url: URL | undefined;
  try {
    url = typeof value === "string" ? new URL(value) : undefined;
  } catch {
    url = undefined;
  }
  if (url === undefined || !(url.protocol === "https:" || (url.protocol === "http:" && isLoopbackHost(url.hostname)))) {
    throw new DiscoveryError(`the issuer's ${member} is not an https URL (http only on loopback hosts)`);
  }
  return url.href;
}

/** One document, or `undefined` for a 4xx (the other document may exist). */
async function fetchDocument(url: string, timeoutMs: number, maxBytes: number, fetchImpl: IssuerMetadataOptions["fetch"] & {}) {
  let response: Response;
  try {
    response = await fetchImpl(
      new Request(url, { headers: { Accept: "application/json" }, redirect: "manual", signal: AbortSignal.timeout(timeoutMs) }),
    );
  } catch (cause) {
    throw new DiscoveryError(isTimeout(cause) ? "the issuer's metadata timed out" : "the issuer's metadata is unreachable", { cause });
  }
  if (response.status >= 400 && response.status < 500) {
    await response.body?.cancel();
    return undefined;
  }
  // Workers hand back the 3xx itself; browsers an "opaqueredirect" with status 0.
  if (!response.ok || (response.type as string) === "opaqueredirect") {
    await response.body?.cancel();
    throw new DiscoveryError(`the issuer's metadata answered ${response.status}`);
  }
  let document: unknown;
  try {
    document = JSON.parse(await readBodyText(response, maxBytes));
  } catch (cause) {
    const tooLarge = cause instanceof BodyTooLargeError;
    throw new DiscoveryError(tooLarge ? "the issuer's metadata is too large" : "the issuer's metadata is not JSON", { cause });
  }
  if (typeof document !== "object" || document === null || Array.isArray(document)) {
    throw new DiscoveryError("the issuer's metadata is not a JSON object");
  }
  return document as Record<string, unknown>;
}

/**
 * The issuer's metadata, from RFC 8414's document or else OpenID's. One call, one or two
 * fetches: cache what it returns (the verifier does, once per isolate).
 * @param issuer the issuer exactly as its tokens' `iss` (checked by the caller, as the verifier's `issuer` option is)
 * @throws {ConfigError} naming `issuer` when the document is for another issuer
 * @throws {DiscoveryError} when neither document could be fetched and read
 * @example
 * const { jwks_uri, token_endpoint } = await fetchIssuerMetadata("https://auth.example.com");
 */
export async function fetchIssuerMetadata(issuer: string, options: IssuerMetadataOptions = {}): Promise<IssuerMetadata> {
  const timeoutMs = numberOption("timeoutMs", options.timeoutMs, METADATA_TIMEOUT_MS, { min: 1 });
  const maxBytes = numberOption("maxResponseBytes", options.maxResponseBytes, METADATA_MAX_RESPONSE_BYTES, { min: 1 });
  const fetchImpl = options.fetch ?? ((request: Request) => fetch(request));
  let document: Record<string, unknown> | undefined;
  for (const url of metadataUrls(issuer)) {
    document = await fetchDocument(url, timeoutMs, maxBytes, fetchImpl);
    if (document !== undefined) break;
  }
  if (document === undefined) throw new DiscoveryError("the issuer publishes no metadata (RFC 8414 or OpenID)");
  if (document.issuer !== issuer) {
    throw new ConfigError("the issuer's metadata names another issuer: give issuer exactly as the metadata's issuer writes it", "issuer");
  }
  const metadata: IssuerMetadata = { issuer };
  const jwksUri = endpoint(document, "jwks_uri");
  const tokenEndpoint = endpoint(document, "token_endpoint");
  if (jwksUri !== undefined) metadata.jwks_uri = jwksUri;
  if (tokenEndpoint !== undefined) metadata.token_endpoint = tokenEndpoint;
  return metadata;
}
