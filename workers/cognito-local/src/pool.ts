/**
 * The running local user pool: the template's definition plus what the environment
 * adds (region, the origin the issuer is served from, the dev client secrets).
 *
 * Built once per isolate and validated then: a broken setting fails every request
 * with a clear log line rather than issuing tokens from a half-configured pool.
 * @module
 */

import { isLoopbackHost } from "edge-cc-auth";
import templateText from "#infra/cognito.yaml";
import { localIssuer } from "./local-issuer";
import { ClientSecrets } from "./secrets/client-secrets";
import { deriveClientId, derivePoolId } from "./template/derived-ids";
import { type ClientDefinition, type IssuerFormat, type PoolDefinition, readPoolDefinition } from "./template/pool-definition";
import type { TokenCustomization } from "./token/token-customization";

/** An app client with its derived id, its secrets and what a pre token generation trigger would do to its tokens. */
export interface PoolClient extends ClientDefinition {
  clientId: string;
  /** Empty when the client has no secret configured: it cannot authenticate. */
  secrets: ClientSecrets;
  /** Set through /_dev (see token/token-customization.ts); null: tokens as Cognito issues them with no trigger. */
  customization: TokenCustomization | null;
}

export interface Pool {
  region: string;
  poolId: string;
  /** The template's IssuerConfiguration. */
  issuerFormat: IssuerFormat;
  /** The `iss` of every token and the base of the well-known URLs (see local-issuer.ts). */
  issuer: string;
  scopes: string[];
  clientsById: Map<string, PoolClient>;
}

/** Raised when the worker's settings are missing or malformed. */
class PoolConfigError extends Error {
  readonly code = "CONFIG_INVALID";
  override name = this.constructor.name;
}

const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d$/;

/** The variable that holds a client's dev secret: `CLIENT_SECRET_<ClientName>`. */
function clientSecretVariable(clientName: string): string {
  return `CLIENT_SECRET_${clientName.replace(/[^A-Za-z0-9]/g, "_")}`;
}

function readIssuerOrigin(value: unknown): URL {
  if (typeof value !== "string" || value === "") throw new PoolConfigError("ISSUER_ORIGIN is not set");
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new PoolConfigError("ISSUER_ORIGIN is not a URL");
  }
  if (
    (url.protocol !== "http:" && url.protocol !== "https:") ||
    value.replace(/\/$/, "") !== url.origin ||
    !(isLoopbackHost(url.hostname) && url.hostname.startsWith("127."))
  ) {
    throw new PoolConfigError(
      "ISSUER_ORIGIN must be an http(s) origin on an IPv4 loopback address with no path, like http://127.0.0.1:8789",
    );
  }
  return url;
}

/** What the environment and the template say, checked; no I/O, so it can run at startup. */
export interface PoolSettings {
  region: string;
  issuerOrigin: URL;
  definition: PoolDefinition;
}

/**
 * Reads and checks the settings and the template. Synchronous, so that index.ts can
 * call it when the worker starts: a template CloudFormation would refuse then stops
 * cognito-local with the message, before it serves anything.
 */
export function readPoolSettings(env: Record<string, unknown>): PoolSettings {
  const region = env.AWS_REGION;
  if (typeof region !== "string" || !REGION_PATTERN.test(region)) {
    throw new PoolConfigError("AWS_REGION must be a region name like us-east-1");
  }
  const issuerOrigin = readIssuerOrigin(env.ISSUER_ORIGIN);
  // Tests may run cognito-local on a variant of the template (extra clients, say);
  // everyone else gets infra/cognito.yaml, bundled at build time.
  const override = env.COGNITO_TEMPLATE_YAML;
  const definition = readPoolDefinition(typeof override === "string" && override !== "" ? override : templateText);
  return { region, issuerOrigin, definition };
}

/** Builds the pool from the template and the worker's environment. */
export async function buildPool(env: Record<string, unknown>): Promise<Pool> {
  const { region, issuerOrigin, definition } = readPoolSettings(env);
  const poolId = await derivePoolId(region, definition.userPoolName);

  const clientsById = new Map<string, PoolClient>();
  for (const client of definition.clients) {
    const clientId = await deriveClientId(poolId, client.clientName);
    const configured = env[clientSecretVariable(client.clientName)];
    const secret = client.generateSecret && typeof configured === "string" && configured !== "" ? configured : null;
    if (client.generateSecret && secret === null) {
      console.warn(
        JSON.stringify({
          level: "warn",
          event: "client_secret_missing",
          client: client.clientName,
          message: `${clientSecretVariable(client.clientName)} is not set: this client cannot get tokens (copy workers/cognito-local/.dev.vars.example to .dev.vars)`,
        }),
      );
    }
    const secrets = new ClientSecrets(secret, Math.floor(Date.now() / 1000));
    clientsById.set(clientId, { ...client, clientId, secrets, customization: null });
  }

  return {
    region,
    poolId,
    issuerFormat: definition.issuerFormat,
    issuer: localIssuer(issuerOrigin, definition.issuerFormat, poolId),
    scopes: definition.scopes,
    clientsById,
  };
}
