/**
 * The secrets of one app client: up to two at a time, either of which authenticates.
 *
 * AWS, "AddUserPoolClientSecret" (Amazon Cognito User Pools API Reference,
 * https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_AddUserPoolClientSecret.html):
 * "Supports up to 2 active secrets per app client for zero-downtime credential rotation
 * workflows"; a secret given by the caller has "Minimum length of 24. Maximum length of 64.
 * Pattern: [\w+]+", and "If you don't provide this parameter, Amazon Cognito generates a
 * secure secret for you". "DeleteUserPoolClientSecret" (same reference,
 * https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_DeleteUserPoolClientSecret.html):
 * "You cannot delete the last remaining secret for an app client."
 *
 * Kept in memory: a restart of cognito-local goes back to the one secret of its settings
 * (CLIENT_SECRET_<ClientName>), so a rotation rehearsed locally never outlives the test.
 * @module
 */

/** AddUserPoolClientSecret: "Supports up to 2 active secrets per app client". */
const MAX_CLIENT_SECRETS = 2;
const SECRET_PATTERN = /^[\w+]{24,64}$/;
// Encoded as 52 characters, inside the documented 24 to 64.
const GENERATED_SECRET_BYTES = 39;

export interface ClientSecret {
  id: string;
  value: string;
  /** Seconds since the epoch, as ClientSecretCreateDate. */
  createdAt: number;
}

/** Why a change of the secrets was refused; `type` is the AWS error name cognito-local answers with. */
export class ClientSecretChangeError extends Error {
  override name = this.constructor.name;
  constructor(
    readonly type: "LimitExceededException" | "InvalidParameterException" | "ResourceNotFoundException",
    message: string,
  ) {
    super(message);
  }
}

async function sha256(text: string): Promise<ArrayBuffer> {
  return crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
}

/**
 * Compares two secrets without leaking, through timing, how much of them matched.
 * Both are hashed first because `timingSafeEqual` (a Workers extension of
 * SubtleCrypto) needs inputs of equal length, and a length check would leak.
 */
async function secretsEqual(presented: string, expected: string): Promise<boolean> {
  const [a, b] = await Promise.all([sha256(presented), sha256(expected)]);
  return crypto.subtle.timingSafeEqual(a, b);
}

function generateSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(GENERATED_SECRET_BYTES));
  // Base64 with "/" (outside [\w+]) written as "_"; 39 bytes need no padding.
  return btoa(String.fromCharCode(...bytes)).replace(/\//g, "_");
}

export class ClientSecrets {
  private readonly secrets: ClientSecret[] = [];

  /** `initial` is the secret of cognito-local's settings; null for a client with none. */
  constructor(initial: string | null, now: number) {
    if (initial !== null) this.secrets.push({ id: "initial", value: initial, createdAt: now });
  }

  get size(): number {
    return this.secrets.length;
  }

  /** Ids and creation times, never the values (as ListUserPoolClientSecrets). */
  list(): Array<{ ClientSecretId: string; ClientSecretCreateDate: number }> {
    return this.secrets.map((secret) => ({ ClientSecretId: secret.id, ClientSecretCreateDate: secret.createdAt }));
  }

  /** Adds a secret (the one given, or a generated one); refuses a third. */
  add(value: string | undefined, now: number): ClientSecret {
    if (this.secrets.length >= MAX_CLIENT_SECRETS) {
      throw new ClientSecretChangeError("LimitExceededException", `an app client has at most ${MAX_CLIENT_SECRETS} secrets`);
    }
    if (value !== undefined && !SECRET_PATTERN.test(value)) {
      throw new ClientSecretChangeError("InvalidParameterException", "ClientSecret must be 24 to 64 characters of [\\w+]");
    }
    const secret = { id: crypto.randomUUID(), value: value ?? generateSecret(), createdAt: now };
    this.secrets.push(secret);
    return secret;
  }

  /** Deletes a secret by id; refuses the last one. */
  delete(id: string): void {
    const index = this.secrets.findIndex((secret) => secret.id === id);
    if (index < 0) throw new ClientSecretChangeError("ResourceNotFoundException", "the app client has no secret of that id");
    if (this.secrets.length === 1) {
      throw new ClientSecretChangeError("InvalidParameterException", "the last remaining secret of an app client cannot be deleted");
    }
    this.secrets.splice(index, 1);
  }

  /**
   * True when `presented` is one of the secrets. Every secret is compared, and a client
   * with none compares against a placeholder, so timing tells neither which secret
   * matched nor whether the client has one.
   */
  async matches(presented: string | null): Promise<boolean> {
    const candidates = this.secrets.length > 0 ? this.secrets.map((secret) => secret.value) : ["\u0000no-secret\u0000"];
    const results = await Promise.all(candidates.map((value) => secretsEqual(presented ?? "", value)));
    return presented !== null && this.secrets.length > 0 && results.some(Boolean);
  }
}
