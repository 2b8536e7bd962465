/**
 * `edge-cc-auth/token-coordinator`: the client-credentials token coordinator as a
 * Durable Object (Workers only: it imports `cloudflare:workers`). The isolates'
 * side, `coordinatorClient`, is in `edge-cc-auth/client-credentials`.
 * @module
 */

export type { TokenCoordinatorOptions } from "../client-credentials/token-coordinator.ts";
export { type DurableObjectContext, type TokenCoordinatorClass, tokenCoordinator } from "./token-coordinator.ts";
