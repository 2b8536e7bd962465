/**
 * The consumer Worker of ours.ts on jose's jwtVerify and createRemoteJWKSet, with
 * the Cognito checks (token_use, client_id) written by hand, for the size
 * comparison in `npm run bench`.
 * @module
 */
import { createRemoteJWKSet, jwtVerify } from "jose";

interface ConsumerEnv {
  COGNITO_ISSUER: string;
  COGNITO_CLIENT_ID: string;
}

let jwks: ReturnType<typeof createRemoteJWKSet> | undefined;

export default {
  async fetch(request: Request, env: ConsumerEnv): Promise<Response> {
    jwks ??= createRemoteJWKSet(new URL(`${env.COGNITO_ISSUER}/.well-known/jwks.json`));
    const token = request.headers.get("Authorization")?.replace(/^Bearer /, "") ?? "";
    try {
      const { payload } = await jwtVerify(token, jwks, { issuer: env.COGNITO_ISSUER, algorithms: ["RS256"] });
      if (payload.token_use !== "access" || payload.client_id !== env.COGNITO_CLIENT_ID) throw new Error("not for us");
      return Response.json({ client: payload.client_id });
    } catch {
      return new Response("unauthorized", { status: 401 });
    }
  },
};
