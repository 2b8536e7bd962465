/**
 * Counts token requests and JWKS downloads, so that tests and demos can see how
 * many tokens a BFF really asked for and how often verifiers fetched keys. Kept
 * in memory: a restart of cognito-local starts from zero.
 * @module
 */

// Unknown client ids are not counted by id, so a misbehaving caller cannot grow the map.
const MAX_COUNTED_CLIENTS = 100;

export class TokenRequestStats {
  private readonly issued = new Map<string, number>();
  private readonly rejected = new Map<string, number>();
  private jwksRequests = 0;

  recordJwksRequest(): void {
    this.jwksRequests++;
  }

  recordIssued(clientId: string): void {
    if (this.issued.has(clientId) || this.issued.size < MAX_COUNTED_CLIENTS) {
      this.issued.set(clientId, (this.issued.get(clientId) ?? 0) + 1);
    }
  }

  recordRejected(code: string): void {
    this.rejected.set(code, (this.rejected.get(code) ?? 0) + 1);
  }

  reset(): void {
    this.issued.clear();
    this.rejected.clear();
    this.jwksRequests = 0;
  }

  toJSON() {
    const issued = Object.fromEntries(this.issued);
    return {
      tokensIssued: issued,
      tokensIssuedTotal: Object.values(issued).reduce((sum, n) => sum + n, 0),
      rejected: Object.fromEntries(this.rejected),
      jwksRequests: this.jwksRequests,
    };
  }
}
