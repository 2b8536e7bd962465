// Two client secrets, and the rotation of MyBFF's secret walked against cognito-local.
// AWS, "AddUserPoolClientSecret" (Amazon Cognito User Pools API Reference,
// https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AddUserPoolClientSecret.html):
// "Supports up to 2 active secrets per app client for zero-downtime credential rotation
// workflows"; "DeleteUserPoolClientSecret" (same reference): "You cannot delete the last
// remaining secret for an app client"; "ListUserPoolClientSecrets": "the response never
// reveals the actual secret value".
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type CognitoLocal, clientIdOf, DEV_SECRET, poolInfo, startCognitoLocal, tokenForm } from "#test/support/cognito-local.ts";

// Each file starts its own Miniflare: on a loaded machine that takes longer than vitest's defaults.
const START_TIMEOUT_MS = 60_000;
const TEST_TIMEOUT_MS = 30_000;

let cognito: CognitoLocal;
let bffId: string;
const NEW_SECRET = "rotated_secret_0123456789abcdef";

beforeEach(async () => {
  cognito = await startCognitoLocal();
  bffId = clientIdOf(await poolInfo(cognito), "MyBFF");
}, START_TIMEOUT_MS);
afterEach(() => cognito?.dispose());

const secretsPath = () => `/_dev/clients/${bffId}/secrets`;

async function addSecret(body: Record<string, unknown> = {}) {
  return cognito.fetch(secretsPath(), { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });
}

async function listSecrets(): Promise<Array<{ ClientSecretId: string; ClientSecretCreateDate: number }>> {
  return (
    (await (await cognito.fetch(secretsPath())).json()) as {
      ClientSecrets: Array<{ ClientSecretId: string; ClientSecretCreateDate: number }>;
    }
  ).ClientSecrets;
}

/** The status of a token request with this secret, on each of the two paths. */
async function statuses(secret: string): Promise<{ tokenEndpoint: number; getClientToken: number }> {
  const tokenEndpoint = await cognito.fetch(
    "/oauth2/token",
    tokenForm({ grant_type: "client_credentials", client_id: bffId, client_secret: secret }),
  );
  const getClientToken = await cognito.fetch("/", {
    method: "POST",
    headers: { "Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": "AWSCognitoIdentityProviderService.GetClientToken" },
    body: JSON.stringify({ ClientId: bffId, Secret: secret }),
  });
  return { tokenEndpoint: tokenEndpoint.status, getClientToken: getClientToken.status };
}

describe("two client secrets", { timeout: TEST_TIMEOUT_MS }, () => {
  it("walks a zero-downtime rotation: both secrets work while two exist, then only the new one", async () => {
    expect(await statuses(DEV_SECRET)).toEqual({ tokenEndpoint: 200, getClientToken: 200 });
    expect(await statuses(NEW_SECRET)).toEqual({ tokenEndpoint: 400, getClientToken: 400 });

    const added = await addSecret({ ClientSecret: NEW_SECRET });
    expect(added.status).toBe(200);
    const descriptor = ((await added.json()) as { ClientSecretDescriptor: Record<string, unknown> }).ClientSecretDescriptor;
    // "The ClientSecretValue is only returned when Amazon Cognito generates the secret."
    expect(Object.keys(descriptor).sort()).toEqual(["ClientSecretCreateDate", "ClientSecretId"]);

    expect(await statuses(DEV_SECRET)).toEqual({ tokenEndpoint: 200, getClientToken: 200 });
    expect(await statuses(NEW_SECRET)).toEqual({ tokenEndpoint: 200, getClientToken: 200 });

    const initial = (await listSecrets()).find((secret) => secret.ClientSecretId !== descriptor.ClientSecretId)!;
    const deleted = await cognito.fetch(`${secretsPath()}/${initial.ClientSecretId}`, { method: "DELETE" });
    expect(deleted.status).toBe(200);
    expect(await deleted.text()).toBe("");

    expect(await statuses(DEV_SECRET)).toEqual({ tokenEndpoint: 400, getClientToken: 400 });
    expect(await statuses(NEW_SECRET)).toEqual({ tokenEndpoint: 200, getClientToken: 200 });
  });

  it("generates a secret when none is given, returns its value once, and it authenticates", async () => {
    const descriptor = ((await (await addSecret()).json()) as { ClientSecretDescriptor: { ClientSecretValue: string } })
      .ClientSecretDescriptor;
    expect(descriptor.ClientSecretValue).toMatch(/^[\w+]{24,64}$/);
    expect(await statuses(descriptor.ClientSecretValue)).toEqual({ tokenEndpoint: 200, getClientToken: 200 });
  });

  it("lists ids and creation dates, never the values", async () => {
    await addSecret({ ClientSecret: NEW_SECRET });
    const listed = await listSecrets();
    expect(listed).toHaveLength(2);
    for (const secret of listed) expect(Object.keys(secret).sort()).toEqual(["ClientSecretCreateDate", "ClientSecretId"]);
    const text = JSON.stringify(listed);
    expect(text).not.toContain(NEW_SECRET);
    expect(text).not.toContain(DEV_SECRET);
  });

  it("refuses a third secret (LimitExceededException), and the old ones keep working", async () => {
    await addSecret({ ClientSecret: NEW_SECRET });
    const third = await addSecret({ ClientSecret: "third_secret_0123456789abcdef" });
    expect(third.status).toBe(400);
    expect(((await third.json()) as { __type: string }).__type).toBe("LimitExceededException");
    expect(await listSecrets()).toHaveLength(2);
    expect(await statuses("third_secret_0123456789abcdef")).toEqual({ tokenEndpoint: 400, getClientToken: 400 });
  });

  it("refuses to delete the last secret", async () => {
    const [only] = await listSecrets();
    const response = await cognito.fetch(`${secretsPath()}/${only!.ClientSecretId}`, { method: "DELETE" });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { __type: string }).__type).toBe("InvalidParameterException");
    expect(await statuses(DEV_SECRET)).toEqual({ tokenEndpoint: 200, getClientToken: 200 });
  });

  it.each([
    ["shorter than 24 characters", "short_secret"],
    ["longer than 64 characters", "x".repeat(65)],
    ["with a character outside [\\w+]", "secret-with-dashes-0123456789"],
  ])("refuses a given secret %s (InvalidParameterException)", async (_, value) => {
    const response = await addSecret({ ClientSecret: value });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { __type: string }).__type).toBe("InvalidParameterException");
  });

  it("answers an unknown client or secret id with ResourceNotFoundException (400, as Cognito answers it)", async () => {
    const unknownClient = await cognito.fetch("/_dev/clients/unknownclient0000000000000/secrets");
    expect(unknownClient.status).toBe(400);
    expect(((await unknownClient.json()) as { __type: string }).__type).toBe("ResourceNotFoundException");
    const unknownSecret = await cognito.fetch(`${secretsPath()}/no-such-id`, { method: "DELETE" });
    expect(unknownSecret.status).toBe(400);
  });
});
