/**
 * Two small chart kinds as plain SVG, readable at a glance: horizontal bars (one panel per
 * workload, one bar per system, the median with a whisker from min to max) and latency ladders
 * (one row per system on a log axis, a marker per percentile). White background so the PNG
 * rendering (rsvg-convert) reads the same.
 */

export interface BarRow {
  label: string
  median: number
  min: number
  max: number
}

export interface BarPanel {
  title: string
  unit: string
  rows: BarRow[]
}

export interface LadderRow {
  label: string
  /** Percentile name → milliseconds. */
  points: { name: string; ms: number }[]
}

export interface LadderPanel {
  title: string
  rows: LadderRow[]
}

const WIDTH = 900
const LABEL_W = 170
const ROW_H = 24
const PANEL_GAP = 46
const FONT = 'font-family="DejaVu Sans, Arial, sans-serif"'
const PALETTE = ['#1f6fb4', '#e07b1a', '#f2b134', '#2a9d58', '#9ccf8f', '#7a5ab8', '#999999']
const MARKERS = ['#1f6fb4', '#e07b1a', '#c0392b', '#333333']

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

export function fmtNum(x: number): string {
  if (x >= 1e6) return `${(x / 1e6).toFixed(2)}M`
  if (x >= 1e3) return `${(x / 1e3).toFixed(x >= 1e5 ? 0 : 1)}k`
  if (x >= 100) return x.toFixed(0)
  if (x >= 10) return x.toFixed(1)
  return x.toFixed(2)
}

function header(title: string, height: number): string[] {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" ${FONT}>`,
    `<title>${esc(title)}</title>`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="12" y="24" font-size="17" font-weight="bold">${esc(title)}</text>`,
  ]
}

export function colorFor(index: number): string {
  return PALETTE[index % PALETTE.length] as string
}

/** Horizontal bars; `colorOf` maps a row label to its system color. */
export function barChart(title: string, panels: BarPanel[], colorOf: (label: string) => string): string {
  const height = 40 + panels.reduce((h, p) => h + PANEL_GAP + p.rows.length * ROW_H, 0) + 10
  const out = header(title, height)
  const plotW = WIDTH - LABEL_W - 110
  let y = 40
  for (const p of panels) {
    const top = Math.max(1, ...p.rows.map((r) => r.max))
    out.push(`<text x="12" y="${y + 24}" font-size="14" font-weight="bold">${esc(p.title)}</text>`)
    out.push(
      `<text x="${WIDTH - 12}" y="${y + 24}" font-size="12" text-anchor="end" fill="#555">${esc(p.unit)}</text>`,
    )
    y += PANEL_GAP - 12
    for (const r of p.rows) {
      const w = (r.median / top) * plotW
      const x0 = LABEL_W + (r.min / top) * plotW
      const x1 = LABEL_W + (r.max / top) * plotW
      const cy = y + ROW_H / 2
      out.push(
        `<text x="${LABEL_W - 8}" y="${cy + 4}" font-size="12" text-anchor="end">${esc(r.label)}</text>`,
      )
      out.push(
        `<rect x="${LABEL_W}" y="${y + 3}" width="${w.toFixed(1)}" height="${ROW_H - 6}" fill="${colorOf(r.label)}"/>`,
      )
      out.push(
        `<line x1="${x0.toFixed(1)}" x2="${x1.toFixed(1)}" y1="${cy}" y2="${cy}" stroke="#222" stroke-width="1.5"/>`,
      )
      out.push(
        `<text x="${(LABEL_W + Math.max(w, x1 - LABEL_W) + 6).toFixed(1)}" y="${cy + 4}" font-size="12">${fmtNum(r.median)}</text>`,
      )
      y += ROW_H
    }
    y += 12
  }
  out.push('</svg>')
  return out.join('\n')
}

/** Latency ladders on a shared log axis. */
export function ladderChart(title: string, panels: LadderPanel[]): string {
  const all = panels.flatMap((p) => p.rows.flatMap((r) => r.points.map((q) => q.ms))).filter((x) => x > 0)
  const lo = 10 ** Math.floor(Math.log10(Math.max(0.01, Math.min(...all, 1))))
  const hi = 10 ** Math.ceil(Math.log10(Math.max(...all, 10)))
  const plotW = WIDTH - LABEL_W - 30
  const xOf = (ms: number) =>
    LABEL_W + ((Math.log10(Math.max(ms, lo)) - Math.log10(lo)) / Math.log10(hi / lo)) * plotW
  const names = panels[0]?.rows[0]?.points.map((q) => q.name) ?? []
  // Per panel: title gap, rows, and the axis labels below them (24).
  const height = 60 + panels.reduce((h, p) => h + PANEL_GAP - 12 + p.rows.length * ROW_H + 24, 0) + 10
  const out = header(title, height)
  names.forEach((n, i) => {
    const x = LABEL_W + i * 110
    out.push(`<circle cx="${x}" cy="44" r="5" fill="${MARKERS[i % MARKERS.length]}"/>`)
    out.push(`<text x="${x + 9}" y="48" font-size="12">${esc(n)}</text>`)
  })
  let y = 60
  for (const p of panels) {
    out.push(`<text x="12" y="${y + 24}" font-size="14" font-weight="bold">${esc(p.title)}</text>`)
    y += PANEL_GAP - 12
    const panelTop = y
    for (let d = lo; d <= hi * 1.0001; d *= 10) {
      const x = xOf(d).toFixed(1)
      const h = p.rows.length * ROW_H
      out.push(`<line x1="${x}" x2="${x}" y1="${panelTop}" y2="${panelTop + h}" stroke="#ddd"/>`)
      out.push(
        `<text x="${x}" y="${panelTop + h + 12}" font-size="10" text-anchor="middle" fill="#555">${d >= 1 ? d : d.toFixed(2)} ms</text>`,
      )
    }
    for (const r of p.rows) {
      const cy = y + ROW_H / 2
      out.push(
        `<text x="${LABEL_W - 8}" y="${cy + 4}" font-size="12" text-anchor="end">${esc(r.label)}</text>`,
      )
      const xs = r.points.map((q) => xOf(q.ms))
      if (xs.length > 0) {
        out.push(
          `<line x1="${Math.min(...xs).toFixed(1)}" x2="${Math.max(...xs).toFixed(1)}" y1="${cy}" y2="${cy}" stroke="#bbb" stroke-width="2"/>`,
        )
      }
      r.points.forEach((q, i) => {
        out.push(
          `<circle cx="${xOf(q.ms).toFixed(1)}" cy="${cy}" r="5" fill="${MARKERS[i % MARKERS.length]}"><title>${esc(`${q.name} ${q.ms} ms`)}</title></circle>`,
        )
      })
      y += ROW_H
    }
    y += 24
  }
  out.push('</svg>')
  return out.join('\n')
}
