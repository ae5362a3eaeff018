/* The dashboard's browser side: reads the public release JSON and draws each chart with its table.
 *
 * Every number shown comes from /api/v1/public/...; the page (rendered by api/web/router.py) only
 * says which release/table to show, in which language, and embeds the interface strings.
 * Charts are Vega-Lite specs rendered by the vendored vega-embed as SVG.
 */
(function () {
  "use strict";

  const body = document.body;
  const strings = JSON.parse(document.getElementById("dashboard-strings").textContent);
  const lang = body.dataset.lang;
  const api = body.dataset.publicApi;
  const dashboard = body.dataset.dashboard;
  const locale = lang === "es" ? "es-ES" : "en-GB";
  // Enough digits to show published values as they are; the CSV carries them in full.
  const numberFormat = new Intl.NumberFormat(locale, { maximumFractionDigits: 6 });
  const percentFormat = new Intl.NumberFormat(locale, { style: "percent", maximumFractionDigits: 1 });
  const vegaLocale = lang === "es"
    ? { decimal: ",", thousands: ".", grouping: [3], currency: ["", " €"] }
    : { decimal: ".", thousands: ",", grouping: [3], currency: ["£", ""] };
  // Dark enough for 3:1 against white as graphics (WCAG 1.4.11).
  const palette = ["#1f5f99", "#b3471d", "#2e7d32", "#6a3d9a", "#8a6d00", "#00707a", "#a3195b"];
  // Caution (and review) flags and INEGI's "unreliable" are marked apart, and apart from suppressed cells.
  const SYMBOLS = { flagged: "†", unreliable: "‡" };
  const FILL_OPACITY = { reliable: 1, flagged: 0.45, unreliable: 0.1 };
  const chartConfig = {
    font: "system-ui, sans-serif",
    axis: { labelFontSize: 12, titleFontSize: 13, labelColor: "#222", titleColor: "#222" },
    legend: { labelFontSize: 12, titleFontSize: 12, labelColor: "#222", titleColor: "#222", symbolOpacity: 1, labelLimit: 240 },
  };

  // A 95% interval as a vertical rule with end ticks; unlike the errorbar composite mark these
  // layers honour xOffset, so grouped bars get their own interval.
  function intervalLayers(filters, offset, title) {
    const valid = [...filters, { filter: "isValid(datum.ci_low) && isValid(datum.ci_high)" }];
    const encoding = offset ? { xOffset: offset } : {};
    const tick = (field) => ({
      transform: valid,
      mark: { type: "tick", orient: "horizontal", size: 12, thickness: 1.5, color: "#222", opacity: 1 },
      encoding: { ...encoding, y: { field, type: "quantitative" } },
    });
    return [
      {
        transform: valid,
        mark: { type: "rule", strokeWidth: 1.5, color: "#222" },
        encoding: { ...encoding, y: { field: "ci_low", type: "quantitative", title }, y2: { field: "ci_high" },
          description: { field: "intervalText" } },
      },
      tick("ci_low"),
      tick("ci_high"),
    ];
  }

  // Categories in the order of the table, with totals last.
  function categoryOrder(values, field) {
    const seen = [...new Set(values.map((value) => value[field]))];
    return [...seen.filter((v) => v !== t("total")), ...seen.filter((v) => v === t("total"))];
  }

  function t(key, params) {
    let text = strings[key] ?? key;
    for (const [name, value] of Object.entries(params || {})) text = text.replace(`{${name}}`, value);
    return text;
  }

  function pick(text) {
    if (text == null) return "";
    if (typeof text === "string") return text;
    return text[lang] ?? text.en ?? text.es ?? "";
  }

  function formatNumber(value) {
    return value == null ? "—" : numberFormat.format(value);
  }

  // Codes of the contract that read in the page's language; other values are names, shown as published.
  const TRANSLATED_VALUES = ["female", "male", "total"];

  // The table being drawn names its columns and values in both languages (column_labels, value_labels);
  // the interface catalogue knows the common ones (sex, age group, territory, ...).
  let labels = { columns: {}, values: {} };

  function useLabels(table) {
    labels = { columns: table?.column_labels ?? {}, values: table?.value_labels ?? {} };
  }

  function valueLabel(value, column) {
    if (value == null) return "—";
    const own = column ? labels.values[column]?.[String(value)] : null;
    if (own) return pick(own);
    return TRANSLATED_VALUES.includes(value) ? strings[value] : String(value);
  }

  function dimensionName(column) {
    if (labels.columns[column]) return pick(labels.columns[column]);
    return strings[`column_${column}`] ?? strings[column] ?? column.replaceAll("_", " ");
  }

  function capitalised(text) {
    return text.charAt(0).toUpperCase() + text.slice(1);
  }

  function pageUrl(path) {
    return `${dashboard}${path}?lang=${lang}`;
  }

  function element(tag, attributes, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      if (value == null || value === false) continue;
      if (name === "text") node.textContent = value;
      else node.setAttribute(name, value === true ? "" : value);
    }
    for (const child of children.flat(Infinity)) {
      if (child != null) node.append(child);
    }
    return node;
  }

  async function getJSON(url) {
    const response = await fetch(url, { headers: { Accept: "application/json" } });
    if (!response.ok) throw new Error(`${response.status} ${url}`);
    return response.json();
  }

  function setStatus(state, text) {
    const status = document.querySelector(".status");
    status.dataset.state = state;
    status.textContent = text;
  }

  /* ---- quality ---------------------------------------------------------------------------- */

  function reasonText(code) {
    return code == null ? "" : (strings[`reason_${code}`] ?? code);
  }

  function quality(row) {
    if (row.suppressed) {
      return { kind: "suppressed", text: `${t("suppressed")}: ${reasonText(row.suppression_reason)}` };
    }
    const flag = row.flag ?? "not_assessed";
    if (flag === "reliable" || flag === "not_assessed") return { kind: "reliable", text: t(flag) };
    const [status, reason] = flag.split(":");
    return { kind: status === "unreliable" ? "unreliable" : "flagged", text: `${t(`status_${status}`)}: ${reasonText(reason)}` };
  }

  /* ---- figures: chart + table + CSV ------------------------------------------------------- */

  let figureCount = 0;

  function figure({ heading, description, spec, columns, rows, csv, notes }) {
    const id = `figure-${++figureCount}`;
    // vega-embed gives the container the graphics-document role and each mark its own label;
    // the heading names the chart and the paragraph below describes it.
    const chart = element("div", {
      id: `${id}-chart`, class: "chart", "aria-label": heading, "aria-describedby": `${id}-description`,
    });
    const table = element("div", { id: `${id}-table`, class: "table-view", hidden: true }, dataTable(heading, columns, rows));
    const toggle = element("button", {
      type: "button", class: "view-toggle", "aria-pressed": "false", "aria-controls": `${id}-chart ${id}-table`,
      text: t("show_table"),
    });
    toggle.addEventListener("click", () => {
      const showTable = toggle.getAttribute("aria-pressed") !== "true";
      toggle.setAttribute("aria-pressed", String(showTable));
      toggle.textContent = t(showTable ? "show_chart" : "show_table");
      chart.hidden = showTable;
      table.hidden = !showTable;
    });
    const download = element("a", { class: "download", href: csv.href, download: csv.filename, text: t("download_csv") });
    const section = element("section", { class: "figure", id, "aria-labelledby": `${id}-heading` },
      element("h2", { id: `${id}-heading`, text: heading }),
      element("div", { class: "figure-controls" }, toggle, download),
      chart,
      table,
      element("p", { id: `${id}-description`, class: "chart-description", text: description }),
      (notes || []).map((note) => element("p", { class: "legend-note", text: note })));
    const rendered = vegaEmbed(chart, spec, {
      mode: "vega-lite", renderer: "svg", actions: false, formatLocale: vegaLocale,
    }).then(() => chart.setAttribute("data-rendered", "true"));
    return { section, rendered };
  }

  function dataTable(caption, columns, rows) {
    return element("table", {},
      element("caption", { text: caption }),
      element("thead", {}, element("tr", {}, columns.map((column) => element("th", { scope: "col", text: column.title })))),
      element("tbody", {}, rows.map((row) => element("tr", { "data-quality": row.quality?.kind },
        columns.map((column, index) => element(index === 0 ? "th" : "td", {
          scope: index === 0 ? "row" : null, class: column.numeric ? "numeric" : null, text: column.value(row),
        }))))));
  }

  // As the server's CSV exports: text a spreadsheet would run as a formula gets a leading apostrophe.
  const FORMULA_STARTS = ["=", "+", "-", "@", "\t", "\r"];

  function csvCell(value) {
    if (value == null) return "";
    const text = typeof value === "string" && FORMULA_STARTS.some((start) => value.startsWith(start)) ? `'${value}` : String(value);
    return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  }

  function csvLink(rows, columns, filename) {
    const lines = [columns.join(","), ...rows.map((row) => columns.map((column) => csvCell(row[column])).join(","))];
    return { href: URL.createObjectURL(new Blob([lines.join("\n") + "\n"], { type: "text/csv" })), filename };
  }

  /* ---- indicator tables ------------------------------------------------------------------- */

  function isTotal(row, columns) {
    return columns.every((column) => row[column] == null || row[column] === "total");
  }

  // The charts a table is read through: its totals by the main dimension, then each further
  // dimension (sex, age group, ...) side by side within the main one.
  function tableViews(table) {
    const dimensions = table.disaggregation;
    const primary = dimensions.includes("territory") ? "territory" : (dimensions.find((d) => d !== "sex") ?? dimensions[0]);
    const others = dimensions.filter((d) => d !== primary);
    const views = [];
    const totals = table.rows.filter((row) => isTotal(row, others));
    if (totals.length) views.push({ dimension: primary, group: null, rows: totals });
    for (const group of others) {
      const rest = others.filter((c) => c !== group);
      const rows = table.rows.filter((row) => row[group] != null && row[group] !== "total" && isTotal(row, rest));
      if (rows.length) views.push({ dimension: primary, group, rows });
    }
    return views;
  }

  function multipleLevels(table) {
    return new Set(table.rows.map((row) => row.level)).size > 1;
  }

  function categoryLabel(row, dimension, withLevel) {
    const base = dimension ? valueLabel(row[dimension], dimension) : t("total");
    return withLevel ? `${base} · ${valueLabel(row.level, "level")}` : base;
  }

  function estimateText(row) {
    const rowQuality = quality(row);
    if (rowQuality.kind === "suppressed") return t("suppressed");
    const text = formatNumber(row.estimate);
    return SYMBOLS[rowQuality.kind] ? `${text} ${SYMBOLS[rowQuality.kind]}` : text;
  }

  function qualityNotes(values) {
    const notes = [];
    if (values.some((v) => v.quality.kind === "flagged")) notes.push(t("flag_symbol_note"));
    if (values.some((v) => v.quality.kind === "unreliable")) notes.push(t("unreliable_symbol_note"));
    if (values.some((v) => v.quality.kind === "suppressed")) notes.push(t("legend_suppressed"));
    return notes;
  }

  function rowColumns(view, withLevel) {
    const columns = [{ title: capitalised(view.dimension ? dimensionName(view.dimension) : t("level")), value: (r) => r.category }];
    if (view.group) columns.push({ title: capitalised(dimensionName(view.group)), value: (r) => r.groupLabel });
    if (withLevel) columns.push({ title: t("level"), value: (r) => valueLabel(r.level, "level") });
    columns.push(
      { title: t("estimate"), numeric: true, value: estimateText },
      { title: t("ci_low"), numeric: true, value: (r) => formatNumber(r.ci_low) },
      { title: t("ci_high"), numeric: true, value: (r) => formatNumber(r.ci_high) },
      { title: t("se"), numeric: true, value: (r) => formatNumber(r.se) },
      { title: t("cv"), numeric: true, value: (r) => formatNumber(r.cv) },
      { title: t("n"), numeric: true, value: (r) => formatNumber(r.n) },
      { title: t("quality"), value: (r) => r.quality.text },
    );
    return columns;
  }

  function axisFormat(unit) {
    return unit === "proportion" ? ".0%" : ",.1f";
  }

  function unitText(unit) {
    return strings[`unit_${unit}`] ?? unit;
  }

  function barSpec({ description, values, dimension, group, unit }) {
    const x = { field: "category", type: "nominal", title: capitalised(dimension ? dimensionName(dimension) : t("level")),
      scale: { domain: categoryOrder(values, "category") }, axis: { labelAngle: 0, labelLimit: 160 } };
    const groups = group ? categoryOrder(values, "groupLabel") : null;
    const xOffset = group ? { field: "groupLabel", scale: { domain: groups } } : undefined;
    const drawn = { filter: "!datum.suppressed" };
    const tooltip = [
      { field: "category", title: x.title },
      ...(group ? [{ field: "groupLabel", title: capitalised(dimensionName(group)) }] : []),
      { field: "estimate", title: t("estimate"), format: axisFormat(unit) === ".0%" ? ".1%" : ",.2f" },
      { field: "ci_low", title: t("ci_low"), format: axisFormat(unit) === ".0%" ? ".1%" : ",.2f" },
      { field: "ci_high", title: t("ci_high"), format: axisFormat(unit) === ".0%" ? ".1%" : ",.2f" },
      { field: "qualityText", title: t("quality") },
    ];
    return {
      description,
      width: "container",
      height: 280,
      autosize: { type: "fit-x", contains: "padding" },
      data: { values },
      config: chartConfig,
      encoding: { x, ...(xOffset ? { xOffset } : {}) },
      layer: [
        {
          transform: [drawn],
          mark: { type: "bar" },
          encoding: {
            y: { field: "estimate", type: "quantitative", title: capitalised(unitText(unit)), axis: { format: axisFormat(unit) } },
            color: group
              ? { field: "groupLabel", type: "nominal", title: capitalised(dimensionName(group)), scale: { domain: groups, range: palette } }
              : { value: palette[0] },
            // Flagged bars are lighter with a dashed outline, unreliable ones nearly hollow with a solid
            // outline (the next layer); both are named in the legend and carry their symbol.
            // Suppressed cells are not drawn.
            opacity: {
              field: "qualityLegend", type: "nominal", title: t("legend_quality"),
              scale: {
                type: "ordinal",
                domain: [t("legend_reliable"), t("legend_flagged"), t("legend_unreliable")],
                range: [FILL_OPACITY.reliable, FILL_OPACITY.flagged, FILL_OPACITY.unreliable],
              },
            },
            tooltip,
          },
        },
        {
          // Outlines at full opacity (the bars' own opacity would fade them); not read out twice.
          transform: [drawn, { filter: "datum.symbol" }],
          mark: { type: "bar", aria: false, fill: "transparent", stroke: "#1a1a1a" },
          encoding: {
            y: { field: "estimate", type: "quantitative" },
            strokeDash: { condition: { test: "datum.quality.kind === 'flagged'", value: [4, 3] }, value: [1, 0] },
            strokeWidth: { condition: { test: "datum.quality.kind === 'flagged'", value: 1.5 }, value: 2 },
          },
        },
        ...intervalLayers([drawn], xOffset, capitalised(unitText(unit))),
        {
          transform: [drawn, { filter: "datum.symbol" }],
          mark: { type: "text", dy: -8, fontSize: 16, fontWeight: "bold", color: "#222", baseline: "bottom" },
          encoding: {
            ...(xOffset ? { xOffset } : {}),
            y: { field: "top", type: "quantitative" },
            text: { field: "symbol" },
          },
        },
        {
          transform: [{ filter: "datum.suppressed" }],
          mark: { type: "text", dy: -4, fontSize: 12, fontStyle: "italic", color: "#222", baseline: "bottom" },
          encoding: {
            ...(xOffset ? { xOffset } : {}),
            y: { datum: 0, type: "quantitative" },
            text: { field: "suppressedLabel" },
          },
        },
      ],
    };
  }

  // What a screen reader says of an interval (the rule's own label would name the raw fields).
  function intervalText(category, low, high, group) {
    return `${group ? `${category}, ${group}` : category}: ${t("ci_label")} ${formatNumber(low)} – ${formatNumber(high)}`;
  }

  function chartValues(rows, dimension, group, withLevel) {
    return rows.map((row) => {
      const rowQuality = quality(row);
      return {
        ...row,
        category: categoryLabel(row, dimension, withLevel),
        groupLabel: group ? valueLabel(row[group], group) : null,
        quality: rowQuality,
        qualityText: rowQuality.text,
        qualityLegend: t(`legend_${rowQuality.kind === "suppressed" ? "reliable" : rowQuality.kind}`),
        symbol: SYMBOLS[rowQuality.kind] ?? null,
        suppressed: rowQuality.kind === "suppressed",
        suppressedLabel: t("suppressed"),
        intervalText: intervalText(categoryLabel(row, dimension, withLevel), row.ci_low, row.ci_high, group ? valueLabel(row[group], group) : null),
        top: row.ci_high ?? row.estimate,
      };
    });
  }

  function tableCsv(release, table) {
    return { href: `${api}/releases/${release.number}/tables/${encodeURIComponent(table.id)}.csv`, filename: `release-${release.number}-${table.id}.csv` };
  }

  function viewFigure(release, table, view) {
    const withLevel = multipleLevels(table);
    const indicator = pick(table.title);
    const dimensionText = view.dimension ? dimensionName(view.dimension) : t("level");
    const heading = view.group
      ? t("chart_by_and", { indicator, dimension: dimensionText, group: dimensionName(view.group) })
      : t("chart_by", { indicator, dimension: dimensionText });
    const values = chartValues(view.rows, view.dimension, view.group, withLevel);
    const notes = qualityNotes(values);
    return figure({
      heading,
      description: t("chart_description", { dimension: dimensionText }),
      spec: barSpec({ description: heading, values, dimension: view.dimension, group: view.group, unit: table.unit }),
      columns: rowColumns(view, withLevel),
      rows: values,
      csv: tableCsv(release, table),
      notes,
    });
  }

  /* ---- trend across waves ----------------------------------------------------------------- */

  // The indicator's published tables across waves, a correction standing for the release it corrects.
  function trendValues(series, table) {
    const values = [];
    series.releases.forEach((release, order) => {
      const match = release.tables.find((candidate) => candidate.unit === table.unit
        && candidate.disaggregation.join() === table.disaggregation.join())
        ?? release.tables.find((candidate) => candidate.unit === table.unit);
      if (!match) return;
      const totals = tableViews(match)[0];
      if (!totals || totals.group) return;
      for (const row of totals.rows) {
        const rowQuality = quality(row);
        values.push({
          release: release.release, wave: release.wave ?? release.reference_period, order,
          series: categoryLabel(row, totals.dimension, multipleLevels(match)),
          estimate: row.estimate, ci_low: row.ci_low, ci_high: row.ci_high, flag: row.flag,
          suppressed: row.suppressed, suppression_reason: row.suppression_reason, quality: rowQuality,
          qualityText: rowQuality.text, symbol: SYMBOLS[rowQuality.kind] ?? null,
        });
      }
    });
    return values;
  }

  function trendSpec(description, values, unit) {
    const color = { field: "series", type: "nominal", title: t("series"), scale: { range: palette } };
    const x = { field: "wave", type: "ordinal", sort: { field: "order" }, title: t("wave"), axis: { labelAngle: 0 } };
    return {
      description,
      width: "container",
      height: 280,
      autosize: { type: "fit-x", contains: "padding" },
      data: { values },
      config: chartConfig,
      encoding: { x, color },
      layer: [
        {
          transform: [{ filter: "isValid(datum.ci_low) && isValid(datum.ci_high)" }],
          mark: { type: "area", opacity: 0.18 },
          encoding: { y: { field: "ci_low", type: "quantitative", title: capitalised(unitText(unit)), axis: { format: axisFormat(unit) } }, y2: { field: "ci_high" } },
        },
        {
          transform: [{ filter: "!datum.suppressed" }],
          mark: { type: "line", point: true, strokeWidth: 2 },
          encoding: {
            y: { field: "estimate", type: "quantitative" },
            tooltip: [{ field: "wave", title: t("wave") }, { field: "series", title: t("series") },
              { field: "estimate", title: t("estimate") }, { field: "ci_low", title: t("ci_low") }, { field: "ci_high", title: t("ci_high") },
              { field: "qualityText", title: t("quality") }],
          },
        },
        {
          transform: [{ filter: "!datum.suppressed && datum.symbol" }],
          mark: { type: "text", dx: 8, align: "left", fontSize: 15, fontWeight: "bold", color: "#222" },
          encoding: { y: { field: "estimate", type: "quantitative" }, text: { field: "symbol" } },
        },
      ],
    };
  }

  async function renderTrend(release, table) {
    const container = document.getElementById("trend");
    const indicator = pick(table.title);
    const heading = t("trend_heading", { indicator });
    const series = await getJSON(`${api}/indicators/${encodeURIComponent(table.indicator_id)}/series`);
    const values = trendValues(series, table);
    if (!values.some((v) => !v.suppressed)) {
      container.append(element("h2", { text: heading }), element("p", { class: "trend-unavailable", text: t("trend_unavailable") }));
      return;
    }
    const notes = qualityNotes(values);
    if (new Set(values.map((v) => v.wave)).size < 2) notes.unshift(t("trend_single_wave"));
    const trend = figure({
      heading,
      description: t("trend_description"),
      spec: trendSpec(heading, values, table.unit),
      columns: [
        { title: t("wave"), value: (r) => r.wave },
        { title: t("series"), value: (r) => r.series },
        { title: t("release"), value: (r) => String(r.release) },
        { title: t("estimate"), numeric: true, value: estimateText },
        { title: t("ci_low"), numeric: true, value: (r) => formatNumber(r.ci_low) },
        { title: t("ci_high"), numeric: true, value: (r) => formatNumber(r.ci_high) },
        { title: t("quality"), value: (r) => r.qualityText },
      ],
      rows: values,
      csv: csvLink(values, ["wave", "release", "series", "estimate", "ci_low", "ci_high", "flag", "suppressed", "suppression_reason"],
        `trend-${table.indicator_id}.csv`),
      notes,
    });
    container.replaceWith(Object.assign(trend.section, { id: "trend" }));
    await trend.rendered;
  }

  /* ---- survey next to administrative records ---------------------------------------------- */

  // An indicator's name in the page's language: the title of a table of it, else its identifier.
  function indicatorName(release, indicatorId) {
    const table = release.tables.find((candidate) => candidate.indicator_id === indicatorId);
    return table ? pick(table.title) : indicatorId;
  }

  function comparisonValues(release) {
    const comparisons = release.comparisons;
    const values = [];
    // Several indicators compared for one territory and period each get their own group of bars.
    const named = new Set(comparisons.map((c) => c.indicator_id)).size > 1;
    for (const c of comparisons) {
      const place = `${c.territory} (${c.period})${named ? ` · ${indicatorName(release, c.indicator_id)}` : ""}`;
      const darkFigure = c.dark_figure == null ? t("not_available") : percentFormat.format(c.dark_figure);
      const top = Math.max(c.survey_ci_high ?? c.survey_estimate ?? 0, c.recorded_rate ?? 0);
      values.push(
        { place, series: t("survey_estimate"), value: c.survey_estimate, ci_low: c.survey_ci_low, ci_high: c.survey_ci_high, top, darkFigure: `${t("dark_figure")}: ${darkFigure}`,
          intervalText: intervalText(place, c.survey_ci_low, c.survey_ci_high, t("survey_estimate")) },
        { place, series: t("recorded_rate"), value: c.recorded_rate, ci_low: null, ci_high: null, top, darkFigure: null },
      );
    }
    return values;
  }

  function comparisonSpec(description, values) {
    const x = { field: "place", type: "nominal", title: capitalised(dimensionName("territory")),
      scale: { domain: categoryOrder(values, "place") }, axis: { labelAngle: 0, labelLimit: 0, labelExpr: "split(datum.label, ' · ')" } };
    const series = [t("survey_estimate"), t("recorded_rate")];
    const xOffset = { field: "series", scale: { domain: series } };
    const y = { type: "quantitative", title: t("unit_rate_per_100000"), axis: { format: ",.0f" } };
    return {
      description,
      width: "container",
      height: 300,
      autosize: { type: "fit-x", contains: "padding" },
      data: { values },
      config: { ...chartConfig, legend: { ...chartConfig.legend, orient: "bottom" } },
      encoding: { x },
      layer: [
        {
          transform: [{ filter: "isValid(datum.value)" }],
          mark: { type: "bar" },
          encoding: {
            xOffset,
            y: { ...y, field: "value" },
            color: { field: "series", type: "nominal", title: t("series"), scale: { domain: series, range: palette } },
            tooltip: [{ field: "place", title: x.title }, { field: "series", title: t("series") }, { field: "value", title: t("estimate"), format: ",.1f" }],
          },
        },
        ...intervalLayers([], xOffset, y.title),
        {
          transform: [{ filter: "datum.darkFigure != null" }],
          mark: { type: "text", dy: -10, fontSize: 12, fontWeight: "bold", color: "#222", baseline: "bottom" },
          encoding: { y: { field: "top", type: "quantitative" }, text: { field: "darkFigure" } },
        },
      ],
    };
  }

  function renderComparisons(release) {
    const container = document.getElementById("comparisons");
    const heading = t("comparison_heading");
    if (!release.comparisons?.length) {
      container.append(element("h2", { text: heading }), element("p", { text: t("no_comparisons") }));
      return Promise.resolve();
    }
    const rows = release.comparisons;
    const comparison = figure({
      heading,
      description: t("comparison_description"),
      spec: comparisonSpec(heading, comparisonValues(release)),
      columns: [
        { title: capitalised(dimensionName("territory")), value: (r) => r.territory },
        { title: capitalised(dimensionName("period")), value: (r) => r.period },
        { title: t("indicators"), value: (r) => indicatorName(release, r.indicator_id) },
        { title: t("survey_estimate"), numeric: true, value: (r) => formatNumber(r.survey_estimate) },
        { title: t("ci_low"), numeric: true, value: (r) => formatNumber(r.survey_ci_low) },
        { title: t("ci_high"), numeric: true, value: (r) => formatNumber(r.survey_ci_high) },
        { title: t("recorded_count"), numeric: true, value: (r) => formatNumber(r.recorded_count) },
        { title: t("recorded_rate"), numeric: true, value: (r) => formatNumber(r.recorded_rate) },
        { title: t("dark_figure"), numeric: true, value: (r) => formatNumber(r.dark_figure) },
        { title: t("recording_ratio"), numeric: true, value: (r) => formatNumber(r.recording_ratio) },
        { title: t("ci_low"), numeric: true, value: (r) => formatNumber(r.recording_ratio_ci_low) },
        { title: t("ci_high"), numeric: true, value: (r) => formatNumber(r.recording_ratio_ci_high) },
        { title: t("source"), value: (r) => r.source },
      ],
      rows,
      csv: csvLink(rows, Object.keys(rows[0]), `release-${release.number}-comparisons.csv`),
    });
    container.replaceWith(Object.assign(comparison.section, { id: "comparisons" }));
    return comparison.rendered;
  }

  /* ---- pages ------------------------------------------------------------------------------ */

  function releaseFacts(release) {
    const facts = [
      [t("published_at"), new Date(release.published_at).toLocaleDateString(locale, { dateStyle: "long" })],
      [t("wave"), release.wave],
      [t("reference_period"), release.reference_period],
      [t("quality_profile"), release.quality_profile],
    ];
    if (release.corrects != null) facts.push([t("corrects"), String(release.corrects)]);
    if (release.changes) facts.push([t("changes"), release.changes]);
    return element("dl", { class: "facts" }, facts.filter(([, value]) => value != null).map(([term, value]) => [
      element("dt", { text: term }), element("dd", { text: value })]));
  }

  function indicatorList(release) {
    return element("ul", { class: "indicator-list" }, release.tables.map((table) => element("li", {},
      element("a", { href: pageUrl(`/releases/${release.number}/tables/${encodeURIComponent(table.id)}`), text: pick(table.title) }),
      element("span", { class: "indicator-meta", text: [
        "", breakdownText(table), unitText(table.unit), t(`source_${table.source}`), table.sensitive ? t("sensitive") : null,
      ].filter((part) => part != null).join(" · ") }))));
  }

  // "by region and sex": which of a release's tables of one indicator this is.
  function breakdownText(table) {
    useLabels(table);
    const names = table.disaggregation.map(dimensionName);
    useLabels(null);
    if (!names.length) return null;
    return t("breakdown", { dimensions: names.join(" × ") });
  }

  async function homePage() {
    const releases = await getJSON(`${api}/releases?limit=500`);
    const list = document.getElementById("releases");
    if (!releases.length) {
      list.append(element("p", { text: t("no_releases") }));
      document.getElementById("latest").hidden = true;
      return;
    }
    const newestFirst = releases.slice().sort((a, b) => b.number - a.number);
    list.append(element("ul", { class: "release-list" }, newestFirst.map((release) => element("li", {},
      element("a", { href: pageUrl(`/releases/${release.number}`), text: `${release.number}. ${pick(release.title)}` }),
      element("span", { class: "release-date", text: ` · ${new Date(release.published_at).toLocaleDateString(locale, { dateStyle: "long" })}` })))));
    const latest = await getJSON(`${api}/releases/${newestFirst[0].number}`);
    document.getElementById("latest").append(
      element("h3", {}, element("a", { href: pageUrl(`/releases/${latest.number}`), text: pick(latest.title) })),
      releaseFacts(latest),
      element("h3", { text: t("indicators") }),
      indicatorList(latest));
  }

  function methodology(release) {
    const meta = release.metadata || {};
    const facts = [];
    if (meta.sample_design?.description) facts.push([t("sample_design"), meta.sample_design.description]);
    if (meta.fieldwork) facts.push([t("fieldwork"), `${meta.fieldwork.start} – ${meta.fieldwork.end}`]);
    if (meta.sample?.interviews_completed != null) facts.push([t("interviews_completed"), formatNumber(meta.sample.interviews_completed)]);
    if (meta.sample?.response_rate != null) facts.push([t("response_rate"), percentFormat.format(meta.sample.response_rate)]);
    if (meta.weighting?.steps) {
      facts.push([t("weighting_steps"), meta.weighting.steps.map((step) => (typeof step === "string" ? step : JSON.stringify(step))).join("; ")]);
    }
    if (meta.weighting?.population) facts.push([t("population_figures"), describe(meta.weighting.population)]);
    if (meta.instrument_versions?.length) {
      facts.push([t("instrument_versions"), meta.instrument_versions.map((v) => `${v.form_id} ${v.version}`).join(", ")]);
    }
    if (meta.administrative_sources?.length) {
      facts.push([t("administrative_sources"), meta.administrative_sources.map((s) => `${s.series}: ${s.source}`).join("; ")]);
    }
    if (meta.disclosure) {
      facts.push([t("disclosure"), t("disclosure_summary", {
        base: formatNumber(meta.disclosure.minimum_base), sensitive: formatNumber(meta.disclosure.sensitive_minimum_base),
      })]);
    }
    const list = element("dl", { class: "facts" }, facts.map(([term, value]) => [element("dt", { text: term }), element("dd", { text: value })]));
    const definitions = (meta.indicators || []).map((indicator) => element("p", {},
      element("strong", { text: `${indicator.indicator_id}: ` }), indicator.definition,
      indicator.counting_rule ? ` (${t("counting_rule")}: ${indicator.counting_rule})` : null));
    return [list, ...definitions];
  }

  // Metadata an observatory adds in its own shape, as "key: value" text.
  function describe(value) {
    if (value == null || typeof value !== "object") return String(value ?? "");
    return Object.entries(value).map(([key, item]) => `${key.replaceAll("_", " ")}: ${describe(item)}`).join("; ");
  }

  async function releasePage() {
    const release = await getJSON(`${api}/releases/${body.dataset.number}`);
    document.getElementById("release-title").textContent = `${release.number}. ${pick(release.title)}`;
    document.title = `${pick(release.title)} · ${t("site_title")}`;
    document.getElementById("release-summary").append(releaseFacts(release));
    document.getElementById("indicators").append(indicatorList(release));
    document.getElementById("methodology").append(...methodology(release));
    await renderComparisons(release);
  }

  async function tablePage() {
    const release = await getJSON(`${api}/releases/${body.dataset.number}`);
    const table = release.tables.find((candidate) => candidate.id === body.dataset.tableId);
    useLabels(table);
    document.getElementById("indicator-title").textContent = pick(table.title);
    document.title = `${pick(table.title)} · ${pick(release.title)}`;
    document.getElementById("release-link").textContent = `${release.number}. ${pick(release.title)}`;
    const summary = [
      [t("unit"), unitText(table.unit)],
      [t("source"), t(`source_${table.source}`)],
      [t("counting_rule"), table.counting_rule],
      [t("sdmx_series"), table.sdmx_series],
    ];
    document.getElementById("indicator-summary").append(element("dl", { class: "facts" },
      summary.filter(([, value]) => value != null).map(([term, value]) => [element("dt", { text: term }), element("dd", { text: value })])));
    const figures = tableViews(table).map((view) => viewFigure(release, table, view));
    document.getElementById("views").append(...figures.map((f) => f.section));
    await Promise.all([...figures.map((f) => f.rendered), renderTrend(release, table)]);
  }

  // The server answers a missing release or table with its own 404 page, which has nothing to fill.
  const pages = { home: homePage, release: releasePage, table: tablePage };
  const render = pages[body.dataset.page];

  if (render) {
    render()
      .then(() => setStatus("ready", ""))
      .catch((error) => {
        console.error(error);
        setStatus("error", t("load_failed"));
      });
  }
})();
