/**
 * What a consumer of edge-cc-auth pays: a Worker that imports only the Cognito
 * verifier and answers 200 with the token's client, or 401. `npm run bench` bundles
 * it with wrangler, beside the same Worker on aws-jwt-verify and on jose.
 * @module
 */
import { CognitoAccessTokenVerifier } from "edge-cc-auth";

interface ConsumerEnv {
  COGNITO_ISSUER: string;
  COGNITO_CLIENT_ID: string;
}

let verifier: CognitoAccessTokenVerifier | undefined;

export default {
  async fetch(request: Request, env: ConsumerEnv): Promise<Response> {
    verifier ??= new CognitoAccessTokenVerifier({ issuer: env.COGNITO_ISSUER, clientIds: [env.COGNITO_CLIENT_ID] });
    const token = request.headers.get("Authorization")?.replace(/^Bearer /, "") ?? "";
    try {
      const claims = await verifier.verify(token);
      return Response.json({ client: claims.client_id });
    } catch {
      return new Response("unauthorized", { status: 401 });
    }
  },
};
