import { join } from "node:path";
import type { Readable } from "node:stream";
import { Miniflare } from "miniflare";
import { DEV_CLIENT_SECRET, WORKERS_RUNTIME } from "../../scripts/dev-settings.mjs";

const ROOT = join(import.meta.dirname, "..", "..");

const COGNITO_ORIGIN = "http://127.0.0.1:8789";
/** The dev secret from workers/cognito-local/.dev.vars.example. */
export const DEV_SECRET: string = DEV_CLIENT_SECRET;

export interface CognitoLocalOptions {
  /** Keeps KV (the signing keys) in this folder, as wrangler dev keeps it in .wrangler/state. */
  persistDir?: string;
  /** Replaces infra/cognito.yaml, for clients the real template does not have. */
  templateYaml?: string;
  /** Extra variables: client secrets (CLIENT_SECRET_<name>) and the like. */
  bindings?: Record<string, string>;
  /** Receives what workerd prints (its stdout and stderr), e.g. the reason it failed to start. */
  onRuntimeOutput?: (text: string) => void;
}

/** What a non-browser caller of cognito-local's /_dev routes sends (workers/cognito-local/src/loopback-only.ts). */
const DEV_CALLER_HEADERS = { "X-Cognito-Local-Dev": "1" } as const;

export interface CognitoLocal {
  /**
   * A path is sent to http://127.0.0.1:8789; a full URL as it is. A request to /_dev
   * gets DEV_CALLER_HEADERS unless it sets an Origin (tests of the guard itself).
   */
  fetch(pathOrUrl: string, init?: RequestInit): Promise<Response>;
  /** Where Miniflare listens on loopback, for clients that open their own connections (an AWS SDK). */
  url: URL;
  dispose(): Promise<void>;
}

export async function startCognitoLocal(options: CognitoLocalOptions = {}): Promise<CognitoLocal> {
  const mf = new Miniflare({
    modules: true,
    scriptPath: join(ROOT, ".build", "cognito-local", "index.js"),
    modulesRules: [{ type: "Text", include: ["**/*.yaml"] }],
    ...WORKERS_RUNTIME,
    kvNamespaces: ["COGNITO_STATE"],
    kvPersist: options.persistDir ?? false,
    bindings: {
      AWS_REGION: "us-east-1",
      ISSUER_ORIGIN: COGNITO_ORIGIN,
      CLIENT_SECRET_MyBFF: DEV_SECRET,
      ...(options.templateYaml ? { COGNITO_TEMPLATE_YAML: options.templateYaml } : {}),
      ...options.bindings,
    },
    ...(options.onRuntimeOutput
      ? {
          handleRuntimeStdio: (stdout: Readable, stderr: Readable) => {
            for (const stream of [stdout, stderr]) stream.on("data", (chunk: Buffer) => options.onRuntimeOutput!(chunk.toString()));
          },
        }
      : {}),
  });
  let url: URL;
  try {
    url = await mf.ready;
  } catch (error) {
    await mf.dispose().catch(() => undefined);
    throw error;
  }
  return {
    fetch: async (pathOrUrl, init) => {
      const target = new URL(pathOrUrl.startsWith("http") ? pathOrUrl : `${COGNITO_ORIGIN}${pathOrUrl}`);
      const headers = new Headers(init?.headers);
      if (target.pathname.startsWith("/_dev/") && !headers.has("Origin") && !headers.has("X-Cognito-Local-Dev")) {
        for (const [name, value] of Object.entries(DEV_CALLER_HEADERS)) headers.set(name, value);
      }
      const response = await mf.dispatchFetch(target.href, { ...init, headers } as never);
      return response as unknown as Response;
    },
    url,
    dispose: () => mf.dispose(),
  };
}

/** The client-credentials form, as the reference post's curl sends it. */
export function tokenForm(fields: Record<string, string>): RequestInit {
  return {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(fields).toString(),
  };
}

export interface PoolInfo {
  poolId: string;
  issuer: string;
  clients: Array<{ clientName: string; clientId: string }>;
}

export async function poolInfo(cognito: CognitoLocal): Promise<PoolInfo> {
  return (await cognito.fetch("/_dev/pool")).json() as Promise<PoolInfo>;
}

export function clientIdOf(pool: PoolInfo, clientName: string): string {
  const client = pool.clients.find((c) => c.clientName === clientName);
  if (!client) throw new Error(`no client ${clientName} in the pool`);
  return client.clientId;
}

export function decodeJwtPart(token: string, index: 0 | 1): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split(".")[index]!, "base64url").toString("utf8"));
}
