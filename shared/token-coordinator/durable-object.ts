/**
 * The token coordinator as a Durable Object with one RPC method, `token(ask)`: the
 * logic is beside it in core.ts (TokenCoordinatorCore), this is
 * its shape on Workers. The class is made by {@link tokenCoordinator} from a function
 * of the Worker's env, so that the options (the client secret among them) stay in a
 * closure: every method of a class that extends DurableObject is callable over RPC
 * by any holder of the binding, TypeScript's `protected` included (Cloudflare docs,
 * "Invoke methods": https://developers.cloudflare.com/durable-objects/best-practices/create-durable-object-stubs-and-send-requests).
 * RPC needs a compatibility date of 2024-04-03 or later (same page).
 * @module
 */
import { DurableObject } from "cloudflare:workers";
import type { CoordinatorAsk, CoordinatorReply, TokenCoordinatorRpc } from "../client-credentials/coordinator-client.ts";
import { storageAsKeyValue, TokenCoordinatorCore, type TokenCoordinatorOptions } from "./core.ts";

/** The Durable Object's state, as the runtime passes it to the constructor. */
export type DurableObjectContext = ConstructorParameters<typeof DurableObject>[0];

/** The class {@link tokenCoordinator} makes: a Durable Object whose RPC method is `token`. */
export type TokenCoordinatorClass<Env> = new (ctx: DurableObjectContext, env: Env) => DurableObject<Env> & TokenCoordinatorRpc;

/**
 * Makes the Durable Object class; export it from the Worker's main module under the
 * `class_name` of its `[[durable_objects.bindings]]` entry, and give the cache
 * `coordinatorClient(env.TOKEN_COORDINATOR)`.
 * @param optionsFor the token request's settings from the Worker's env (the same
 *   endpoint, client, secret and scopes as the cache's: an ask for another is refused)
 * @throws {ConfigError} from each call, while the options are invalid (the cache
 *   then logs `token_coordinator_failed` and asks the endpoint itself)
 * @example
 * export const TokenCoordinator = tokenCoordinator((env: Env) => ({
 *   tokenEndpoint: env.AUTH_SERVER_TOKEN_ENDPOINT_URL, clientId: env.AUTH_SERVER_MYBFF_CLIENT_ID,
 *   clientSecret: env.AUTH_SERVER_MYBFF_CLIENT_SECRET, scopes: ["MyService/weather_read"],
 * }));
 */
export function tokenCoordinator<Env>(optionsFor: (env: Env) => TokenCoordinatorOptions): TokenCoordinatorClass<Env> {
  return class TokenCoordinator extends DurableObject<Env> implements TokenCoordinatorRpc {
    readonly #core: TokenCoordinatorCore;

    constructor(ctx: DurableObjectContext, env: Env) {
      super(ctx, env);
      this.#core = new TokenCoordinatorCore(storageAsKeyValue(ctx.storage), optionsFor(env));
    }

    async token(ask: CoordinatorAsk): Promise<CoordinatorReply> {
      return this.#core.answer(ask);
    }
  };
}
