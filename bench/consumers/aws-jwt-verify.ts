/**
 * The consumer Worker of ours.ts on aws-jwt-verify's CognitoJwtVerifier, for the
 * size comparison in `npm run bench`.
 * @module
 */
import { CognitoJwtVerifier } from "aws-jwt-verify";

interface ConsumerEnv {
  COGNITO_USER_POOL_ID: string;
  COGNITO_CLIENT_ID: string;
}

let verifier: ReturnType<typeof create> | undefined;
const create = (env: ConsumerEnv) =>
  CognitoJwtVerifier.create({ userPoolId: env.COGNITO_USER_POOL_ID, tokenUse: "access", clientId: env.COGNITO_CLIENT_ID });

export default {
  async fetch(request: Request, env: ConsumerEnv): Promise<Response> {
    verifier ??= create(env);
    const token = request.headers.get("Authorization")?.replace(/^Bearer /, "") ?? "";
    try {
      const claims = await verifier.verify(token);
      return Response.json({ client: claims.client_id });
    } catch {
      return new Response("unauthorized", { status: 401 });
    }
  },
};
