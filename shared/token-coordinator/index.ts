/**
 * `edge-cc-auth/token-coordinator`: the client-credentials token coordinator as a
 * Durable Object (Workers only: it imports `cloudflare:workers`). The isolates'
 * side, `coordinatorClient`, is in `edge-cc-auth/client-credentials`.
 * @module
 */

// The RPC protocol the class implements (the isolates' side is `coordinatorClient`).
export type { CoordinatorFailure, CoordinatorReply, TokenCoordinatorRpc } from "../client-credentials/coordinator-client.ts";
export type { TokenCoordinatorOptions } from "./core.ts";
export { type DurableObjectContext, type TokenCoordinatorClass, tokenCoordinator } from "./durable-object.ts";
