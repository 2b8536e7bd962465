// The front end MyBFF exists for: it asks /weatherforecast on its own origin and
// shows five days as a table and an inline SVG chart. When MyBFF answers 502/503/504
// it says so and retries after Retry-After (5 s when absent). It never holds a token.
const statusBox = document.getElementById("status");
const forecastBox = document.getElementById("forecast");
const rows = document.getElementById("rows");
const chart = document.getElementById("chart");
const SVG = "http://www.w3.org/2000/svg";
const DEFAULT_RETRY_SECONDS = 5;
const MAX_RETRY_SECONDS = 60;

function svg(name, attributes, text) {
  const element = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, String(value));
  if (text !== undefined) element.textContent = text;
  return element;
}

function drawChart(days) {
  for (const child of [...chart.children]) if (child.tagName !== "title") child.remove();
  const width = 600,
    height = 240,
    padX = 50,
    padTop = 30,
    padBottom = 40;
  const temperatures = days.map((d) => d.temperatureC);
  const min = Math.min(0, ...temperatures) - 5;
  const max = Math.max(0, ...temperatures) + 5;
  const x = (i) => padX + (i * (width - 2 * padX)) / (days.length - 1);
  const y = (t) => padTop + ((max - t) * (height - padTop - padBottom)) / (max - min);
  chart.append(svg("line", { class: "axis", x1: padX, x2: width - padX, y1: height - padBottom, y2: height - padBottom }));
  chart.append(svg("line", { class: "zero", x1: padX, x2: width - padX, y1: y(0), y2: y(0) }));
  chart.append(svg("polyline", { class: "line", points: days.map((d, i) => `${x(i)},${y(d.temperatureC)}`).join(" ") }));
  days.forEach((d, i) => {
    chart.append(svg("circle", { class: "point", cx: x(i), cy: y(d.temperatureC), r: 5 }));
    chart.append(svg("text", { class: "label", x: x(i), y: y(d.temperatureC) - 12 }, `${d.temperatureC}°`));
    chart.append(svg("text", { class: "label", x: x(i), y: height - 15 }, d.date.slice(5)));
  });
}

function showForecast(days) {
  rows.replaceChildren(
    ...days.map((d) => {
      const tr = document.createElement("tr");
      for (const value of [d.date, String(d.temperatureC), d.summary]) {
        const td = document.createElement("td");
        td.textContent = value;
        tr.append(td);
      }
      return tr;
    }),
  );
  drawChart(days);
  statusBox.textContent = "";
  statusBox.className = "";
  forecastBox.hidden = false;
}

function showError(message, retrySeconds) {
  statusBox.className = "error";
  statusBox.textContent = `${message} Trying again in ${retrySeconds} s.`;
  setTimeout(load, retrySeconds * 1000);
}

async function load() {
  let response;
  try {
    response = await fetch("/weatherforecast", { headers: { Accept: "application/json" } });
  } catch {
    return showError("The weather service cannot be reached.", DEFAULT_RETRY_SECONDS);
  }
  if (response.ok) return showForecast(await response.json());
  const asked = Number(response.headers.get("Retry-After"));
  const retry = Number.isFinite(asked) && asked > 0 ? Math.min(asked, MAX_RETRY_SECONDS) : DEFAULT_RETRY_SECONDS;
  const problem = await response.json().catch(() => ({}));
  showError(problem.detail ?? `The weather service answered ${response.status}.`, retry);
}

load();
