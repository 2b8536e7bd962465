// The shared key set's storage layout (shared/jwks/shared-key-set.ts), written out
// again for tests: where the copy lives, and an entry sealed with a given secret. A
// test that plants an entry with another secret plays an attacker; one that seals it
// with the Worker's own secret plays an earlier isolate of the same Worker.

const encoder = new TextEncoder();

async function hmac(secret: string, text: string): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return new Uint8Array(await crypto.subtle.sign("HMAC", key, encoder.encode(text)));
}

function base64url(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** The cache key of the copy of `jwksUri`'s key set under `secret`. */
export async function sharedKeySetCacheKey(jwksUri: string, secret: string): Promise<string> {
  const tag = await hmac(secret, `key\n${jwksUri}`);
  const url = new URL(jwksUri);
  url.searchParams.set("edge-cc-auth-jwks", [...tag.subarray(0, 16)].map((b) => b.toString(16).padStart(2, "0")).join(""));
  return url.href;
}

/** An entry as the verifier writes it, its MAC made with `secret`. */
export async function sealedEntry(jwksUri: string, secret: string, fetchedAt: number, keySet: string) {
  const mac = base64url(await hmac(secret, `edge-cc-auth jwks v1\n${jwksUri}\n${fetchedAt}\n${keySet}`));
  return { v: 1, jwksUri, fetchedAt, keySet, mac };
}
