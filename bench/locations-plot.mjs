// The plot of bench/RESULTS.md's section 6: token requests per token lifetime against
// the number of locations, one line per strategy, both axes logarithmic. Plain SVG
// written from the figures, so that the plot is exactly the table.

const WIDTH = 720;
const HEIGHT = 420;
const MARGIN = { left: 70, right: 250, top: 30, bottom: 50 };
const COLOURS = { isolate: "#c0392b", kv: "#d68910", "kv-spread": "#2e86c1", coordinator: "#229954" };

const escapeXml = (text) => String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/**
 * @param {{ rows: { strategy: string, label: string, locations: number, perLifetime: { median: number } }[] }} locations
 * @returns {string} an SVG document
 */
export function locationsSvg(locations) {
  const counts = [...new Set(locations.rows.map((r) => r.locations))].sort((a, b) => a - b);
  const values = locations.rows.map((r) => r.perLifetime.median);
  const yMin = 10 ** Math.floor(Math.log10(Math.min(...values)));
  const yMax = 10 ** Math.ceil(Math.log10(Math.max(...values)));
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const x = (n) => MARGIN.left + (Math.log10(n) / Math.log10(counts.at(-1))) * plotW;
  const y = (v) => MARGIN.top + plotH - ((Math.log10(v) - Math.log10(yMin)) / (Math.log10(yMax) - Math.log10(yMin))) * plotH;
  const parts = [];
  for (let decade = yMin; decade <= yMax; decade *= 10) {
    parts.push(`<line x1="${MARGIN.left}" x2="${MARGIN.left + plotW}" y1="${y(decade)}" y2="${y(decade)}" stroke="#ddd"/>`);
    parts.push(`<text x="${MARGIN.left - 8}" y="${y(decade) + 4}" text-anchor="end">${decade.toLocaleString("en")}</text>`);
  }
  for (const n of counts) {
    parts.push(`<line x1="${x(n)}" x2="${x(n)}" y1="${MARGIN.top}" y2="${MARGIN.top + plotH}" stroke="#eee"/>`);
    parts.push(`<text x="${x(n)}" y="${MARGIN.top + plotH + 18}" text-anchor="middle">${n}</text>`);
  }
  const strategies = [...new Set(locations.rows.map((r) => r.strategy))];
  strategies.forEach((strategy, index) => {
    const rows = locations.rows.filter((r) => r.strategy === strategy).sort((a, b) => a.locations - b.locations);
    const colour = COLOURS[strategy] ?? "#555";
    const points = rows.map((r) => `${x(r.locations).toFixed(1)},${y(r.perLifetime.median).toFixed(1)}`).join(" ");
    parts.push(`<polyline points="${points}" fill="none" stroke="${colour}" stroke-width="2"/>`);
    for (const r of rows)
      parts.push(`<circle cx="${x(r.locations).toFixed(1)}" cy="${y(r.perLifetime.median).toFixed(1)}" r="3.5" fill="${colour}"/>`);
    const legendY = MARGIN.top + 10 + index * 22;
    parts.push(
      `<line x1="${WIDTH - MARGIN.right + 15}" x2="${WIDTH - MARGIN.right + 35}" y1="${legendY}" y2="${legendY}" stroke="${colour}" stroke-width="2"/>`,
    );
    parts.push(`<text x="${WIDTH - MARGIN.right + 40}" y="${legendY + 4}">${escapeXml(strategy)}</text>`);
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">
<title>Token requests per token lifetime against the number of locations (8 isolates each, 1-hour tokens, 24 simulated hours)</title>
<rect width="100%" height="100%" fill="white"/>
<line x1="${MARGIN.left}" x2="${MARGIN.left}" y1="${MARGIN.top}" y2="${MARGIN.top + plotH}" stroke="#333"/>
<line x1="${MARGIN.left}" x2="${MARGIN.left + plotW}" y1="${MARGIN.top + plotH}" y2="${MARGIN.top + plotH}" stroke="#333"/>
${parts.join("\n")}
<text x="${MARGIN.left + plotW / 2}" y="${HEIGHT - 10}" text-anchor="middle">locations (log scale)</text>
<text x="16" y="${MARGIN.top + plotH / 2}" text-anchor="middle" transform="rotate(-90 16 ${MARGIN.top + plotH / 2})">token requests per token lifetime (log scale)</text>
</svg>
`;
}
