/**
 * Ids that AWS assigns when it creates the pool, made up here deterministically.
 *
 * The real user pool id (`us-east-1_AbCdEfGhI`) and app client ids (26 lowercase
 * letters and digits) are chosen by AWS. cognito-local derives them from the
 * template's names instead, so they are the same on every machine and every
 * restart, and the dev values in wrangler.toml can be written down once.
 * @module
 */

const POOL_ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const CLIENT_ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";
const POOL_ID_SUFFIX_LENGTH = 9;
const CLIENT_ID_LENGTH = 26;

async function digestString(input: string, alphabet: string, length: number): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(input)));
  // A byte-modulo mapping is slightly biased; that is irrelevant for an id that only needs to be stable.
  return Array.from(digest.subarray(0, length), (byte) => alphabet[byte % alphabet.length]).join("");
}

/** `<region>_<9 letters or digits>`, the shape of a Cognito user pool id. */
export async function derivePoolId(region: string, userPoolName: string): Promise<string> {
  return `${region}_${await digestString(`pool:${userPoolName}`, POOL_ID_ALPHABET, POOL_ID_SUFFIX_LENGTH)}`;
}

/** 26 lowercase letters and digits, the shape of a Cognito app client id. */
export async function deriveClientId(poolId: string, clientName: string): Promise<string> {
  return digestString(`client:${poolId}:${clientName}`, CLIENT_ID_ALPHABET, CLIENT_ID_LENGTH);
}
