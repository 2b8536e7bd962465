// Every case of the attack corpus through MyService: the exact status, the exact
// WWW-Authenticate error, never a 5xx, never the token echoed.
import { SELF } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { ATTACK_CORPUS, type Kit, makeKit } from "#test/attacks/corpus.ts";

let kit: Kit;
beforeAll(async () => {
  kit = await makeKit();
});

describe("attack corpus", () => {
  it("has at least 40 cases", () => {
    expect(ATTACK_CORPUS.filter((c) => c.expected.status !== 200).length).toBeGreaterThanOrEqual(40);
  });

  it.each(ATTACK_CORPUS.map((c) => [`${c.family}: ${c.name}`, c] as const))("%s", async (_, attack) => {
    const request = await attack.build(kit);
    const headers = new Headers();
    for (const [name, value] of request.headers) headers.append(name, value);
    const response = await SELF.fetch(`http://myservice/weatherforecast${request.query ? `?${request.query}` : ""}`, { headers });
    const body = await response.text();
    expect(response.status).toBe(attack.expected.status);
    const challenge = response.headers.get("WWW-Authenticate");
    if (attack.expected.status === 200) {
      expect(challenge).toBeNull();
      return;
    }
    expect(challenge).toEqual(
      attack.expected.error === null ? "Bearer" : expect.stringMatching(new RegExp(`^Bearer error="${attack.expected.error}"`)),
    );
    expect(response.headers.get("Content-Type")).toBe("application/problem+json");
    const sent = request.headers.map(([, value]) => value.replace(/^\S+ /, ""));
    for (const token of sent) if (token.length > 20) expect(body).not.toContain(token.slice(-20));
  });
});
