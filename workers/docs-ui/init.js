// Starts Swagger UI on this worker's own OpenAPI document. A file, not an inline
// script: the Content-Security-Policy of /docs (set by workers/service/src/security-headers.ts) allows scripts
// from this origin only.
window.ui = SwaggerUIBundle({
  url: new URL("../openapi.json", window.location.href).href,
  dom_id: "#swagger-ui",
  deepLinking: true,
  // No badge from validator.swagger.io: the page loads nothing from another origin.
  validatorUrl: null,
});
