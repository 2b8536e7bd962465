/**
 * Signs any header and payload text with RS256, bytes as given. jose builds only
 * well-formed tokens; attack tests need the pool's signature on malformed ones too
 * (a payload that is an array, duplicate keys, an `alg` the header lies about).
 * @module
 */
import { base64url } from "jose";

const encoder = new TextEncoder();

export async function signCompactJws(headerText: string, payloadText: string, privateKey: CryptoKey): Promise<string> {
  const signingInput = `${base64url.encode(encoder.encode(headerText))}.${base64url.encode(encoder.encode(payloadText))}`;
  const signature = await crypto.subtle.sign("RSASSA-PKCS1-v1_5", privateKey, encoder.encode(signingInput));
  return `${signingInput}.${base64url.encode(new Uint8Array(signature))}`;
}
