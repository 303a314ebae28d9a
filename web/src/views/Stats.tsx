// Statistics of a workflow, from `GET /api/workflows/{id}/stats` (computed
// by the server from the history): counts, blocked now, throughput, lead and
// cycle time, cumulative flow, agent workload, and runs (outcomes, tokens
// and cost per agent, phase and ticket). Charts use Chart.js with
// only the parts registered here (tree-shaken).

import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Filler,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
  type ChartConfiguration,
} from 'chart.js'
import { useCallback, useEffect, useRef, useState } from 'react'

import { api, asApiError, type ApiError } from '../api/client'
import type { Count, Workflow, WorkflowStats } from '../api/types'
import { Empty, PriorityBadge } from '../components/ui'
import { useLiveEvents } from '../hooks/useLive'
import { columnName } from '../lib/board'
import { formatDuration, shortId, timeAgo } from '../lib/format'
import { flowSeries, palette, workflowAgeDays } from '../lib/stats'
import { Kpi, Panel } from './stats/parts'
import { RunsPanel } from './stats/RunsPanel'

Chart.register(BarController, BarElement, LineController, LineElement, PointElement, CategoryScale, LinearScale, Filler, Tooltip, Legend)
Chart.defaults.font.family = 'Inter, system-ui, -apple-system, "Segoe UI", sans-serif'

const PERIODS = [7, 14, 30, 90]


export default function StatsView({ workflow, openTicket }: { workflow: Workflow; openTicket: (id: string | null) => void }) {
  const age = workflowAgeDays(workflow.created_at)
  const [days, setDays] = useState(age)
  const periods = [...new Set([age, ...PERIODS])].sort((a, b) => a - b)
  const [stats, setStats] = useState<WorkflowStats | null>(null)
  const [error, setError] = useState<ApiError | null>(null)
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null)

  const load = useCallback(() => {
    api
      .get('/api/workflows/{workflow_id}/stats', { path: { workflow_id: workflow.id }, query: { days } })
      .then((s) => {
        setStats(s)
        setError(null)
      })
      .catch((err: unknown) => setError(asApiError(err)))
  }, [workflow.id, days])
  useEffect(load, [load])
  useLiveEvents(() => {
    if (timer.current) clearTimeout(timer.current)
    timer.current = setTimeout(load, 800)
  })
  useEffect(() => () => void (timer.current && clearTimeout(timer.current)), [])

  if (error && !stats) {
    return (
      <Empty title="Cannot load statistics">
        <p>{error.message}</p>
      </Empty>
    )
  }
  if (!stats) return <div className="loading">Loading statistics…</div>
  themeCharts()
  const board = workflow.board_config
  const label = (s: string) => columnName(board, s)

  return (
    <div className="stats-page" data-testid="stats">
      <div className="stats-head">
        <h1>{workflow.name}</h1>
        <div className="segmented" role="radiogroup" aria-label="Period">
          {periods.map((p) => (
            <button key={p} role="radio" aria-checked={days === p} className={days === p ? 'active' : ''} onClick={() => setDays(p)}>
              {p === age && age < 30 ? `Since start (${p} d)` : `${p} days`}
            </button>
          ))}
        </div>
      </div>
      <div className="kpis">
        <Kpi label="Tickets" value={stats.total} sub={`${stats.open} open · ${stats.resolved} resolved`} />
        <Kpi
          label="Blocked now"
          value={stats.blocked_now.count}
          tone={stats.blocked_now.count > 0 ? 'bad' : undefined}
          testid="kpi-blocked"
          sub={`${percent(stats.blocked_now.count, stats.open)} of the ${stats.open} open tickets`}
        />
        <Kpi label="Ready now" value={stats.ready_now} tone="good" sub={`${percent(stats.ready_now, stats.open)} of open tickets can start now`} testid="kpi-ready" />
        <Kpi
          label="Lead time"
          value={formatDuration(stats.lead_time.median_seconds)}
          sub={`median of ${stats.lead_time.count} resolved ticket${stats.lead_time.count === 1 ? '' : 's'} · p85 ${formatDuration(stats.lead_time.p85_seconds)}`}
        />
        <Kpi
          label="Cycle time"
          value={formatDuration(stats.cycle_time.median_seconds)}
          sub={`median of ${stats.cycle_time.count} started and resolved · p85 ${formatDuration(stats.cycle_time.p85_seconds)}`}
        />
        <Kpi
          label={`Resolved in ${stats.days} days`}
          value={stats.throughput.reduce((n, d) => n + d.resolved, 0)}
          sub={flowRatio(stats)}
          testid="kpi-resolved"
        />
      </div>

      <div className="chart-grid">
        <Panel title="Cumulative flow" wide>
          <ChartCanvas config={flowConfig(stats, label)} label="Cumulative flow diagram" />
        </Panel>
        <Panel title="Throughput per day">
          <ChartCanvas config={throughputConfig(stats)} label="Throughput per day" />
        </Panel>
        <Panel title="By status">
          <ChartCanvas config={countConfig(stats.by_status, label, true)} label="Tickets by status" />
        </Panel>
        <Panel title="By type">
          <CountTable counts={stats.by_type} />
        </Panel>
        <Panel title="By priority">
          <CountTable counts={stats.by_priority} priority />
        </Panel>
        <Panel title="By assignee">
          <table className="table">
            <thead>
              <tr>
                <th>Assignee</th>
                <th>Open</th>
                <th>Total</th>
              </tr>
            </thead>
            <tbody>
              {stats.by_assignee.map((a) => (
                <tr key={a.agent_id ?? '-'}>
                  <td>{a.agent_id ?? <span className="muted">unassigned</span>}</td>
                  <td>{a.open}</td>
                  <td>{a.total}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Panel>
        <Panel title={`Blocked now (${stats.blocked_now.count})`}>
          {stats.blocked_now.tickets.length === 0 ? (
            <p className="muted">Nothing is blocked.</p>
          ) : (
            <ul className="ref-list">
              {stats.blocked_now.tickets.map((t) => (
                <li key={t.id}>
                  <button className="ref" onClick={() => openTicket(t.id)}>
                    <code>{shortId(t.id)}</code> <span className="ref-title">{t.title}</span>
                    <PriorityBadge priority={t.priority} />
                    <span className="badge blocked-badge">{t.open_blockers} open</span>
                  </button>
                </li>
              ))}
            </ul>
          )}
        </Panel>
        <Panel title="Agent workload" wide>
          <table className="table" data-testid="workload">
            <thead>
              <tr>
                <th>Agent</th>
                <th>Open</th>
                <th>In progress</th>
                <th>Blocked</th>
                <th>Resolved ({stats.days} d)</th>
                <th>Actions ({stats.days} d)</th>
                <th>Last active</th>
              </tr>
            </thead>
            <tbody>
              {stats.workload.map((w) => (
                <tr key={w.agent_id}>
                  <td>
                    <span className="avatar" aria-hidden="true">
                      {w.agent_id.slice(0, 2).toUpperCase()}
                    </span>{' '}
                    {w.agent_id}
                  </td>
                  <td>{w.open}</td>
                  <td>{w.in_progress}</td>
                  <td className={w.blocked > 0 ? 'bad' : ''}>{w.blocked}</td>
                  <td>{w.resolved}</td>
                  <td>{w.actions}</td>
                  <td className="muted">{w.last_active_at ? timeAgo(w.last_active_at) : '–'}</td>
                </tr>
              ))}
              {stats.workload.length === 0 && (
                <tr>
                  <td colSpan={7} className="muted">
                    No agent activity in this period.
                  </td>
                </tr>
              )}
            </tbody>
          </table>
        </Panel>
      </div>
      <RunsPanel runs={stats.runs} days={stats.days} phases={workflow.phases} openTicket={openTicket} />
      <p className="muted small">
        Computed by the server from the ticket history, {stats.since} to today (UTC). Lead time: created → resolved;
        cycle time: first move out of {label(board.initial_status)} → resolved (tickets resolved without being started have none).
      </p>
    </div>
  )
}

function percent(part: number, whole: number): string {
  return whole > 0 ? `${Math.round((part / whole) * 100)} %` : '0 %'
}

/** `12 created · 0.75 resolved per created`. */
function flowRatio(stats: WorkflowStats): string {
  const created = stats.throughput.reduce((n, d) => n + d.created, 0)
  const resolved = stats.throughput.reduce((n, d) => n + d.resolved, 0)
  return created > 0 ? `${created} created · ${(resolved / created).toFixed(2)} resolved per created` : `${created} created`
}

/** Chart text and grid colours from the theme's CSS variables. */
function themeCharts() {
  const style = getComputedStyle(document.documentElement)
  Chart.defaults.color = style.getPropertyValue('--text-2').trim() || '#475569'
  Chart.defaults.borderColor = style.getPropertyValue('--border').trim() || '#e2e8f0'
}

function CountTable({ counts, priority }: { counts: Count[]; priority?: boolean }) {
  const max = Math.max(1, ...counts.map((c) => c.total))
  return (
    <table className="table bars">
      <thead>
        <tr>
          <th>{priority ? 'Priority' : 'Type'}</th>
          <th>
            <span className="hbar-key hbar-key-open" /> open <span className="hbar-key hbar-key-total" /> of all
          </th>
          <th className="num">Open / all</th>
        </tr>
      </thead>
      <tbody>
        {counts.map((c) => (
          <tr key={c.key}>
            <td className="bar-label">{priority ? <PriorityBadge priority={c.key as never} /> : c.key}</td>
            <td className="bar-cell">
              <div className="hbar">
                <span className="hbar-total" style={{ width: `${(c.total / max) * 100}%` }} />
                <span className="hbar-open" style={{ width: `${(c.open / max) * 100}%` }} />
              </div>
            </td>
            <td className="num" title={`${c.open} open of ${c.total} tickets`}>
              {c.open} open / {c.total}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}

function ChartCanvas({ config, label }: { config: ChartConfiguration; label: string }) {
  const canvas = useRef<HTMLCanvasElement>(null)
  const chart = useRef<Chart | null>(null)
  useEffect(() => {
    if (!canvas.current) return
    if (chart.current) {
      chart.current.data = config.data
      chart.current.options = config.options ?? {}
      chart.current.update('none')
      return
    }
    chart.current = new Chart(canvas.current, config)
  }, [config])
  useEffect(() => () => chart.current?.destroy(), [])
  return (
    <div className="chart">
      <canvas ref={canvas} role="img" aria-label={label} />
    </div>
  )
}

function flowConfig(stats: WorkflowStats, label: (s: string) => string): ChartConfiguration {
  const series = flowSeries(stats.cumulative_flow)
  const colours = palette(series.length)
  return {
    type: 'line',
    data: {
      labels: stats.cumulative_flow.days.map((d) => d.day.slice(5)),
      datasets: series.map((s, i) => ({
        label: label(s.status),
        data: s.counts,
        fill: i === 0 ? 'origin' : '-1',
        backgroundColor: colours[i] + 'cc',
        borderColor: colours[i],
        borderWidth: 1,
        // A young board has a day or two: show them as points.
        pointRadius: stats.cumulative_flow.days.length < 3 ? 5 : 0,
        tension: 0,
      })),
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      interaction: { mode: 'index', intersect: false },
      scales: { y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } }, x: { grid: { display: false } } },
      plugins: { legend: { position: 'bottom', reverse: true, labels: { boxWidth: 12 } } },
    },
  }
}

function throughputConfig(stats: WorkflowStats): ChartConfiguration {
  return {
    type: 'bar',
    data: {
      labels: stats.throughput.map((d) => d.day.slice(5)),
      datasets: [
        { label: 'Resolved', data: stats.throughput.map((d) => d.resolved), backgroundColor: '#16a34a', borderRadius: 3 },
        { label: 'Created', data: stats.throughput.map((d) => d.created), backgroundColor: '#a5b4fc', borderRadius: 3 },
      ],
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      scales: { y: { beginAtZero: true, ticks: { precision: 0 } }, x: { grid: { display: false } } },
      plugins: { legend: { position: 'bottom', labels: { boxWidth: 12 } } },
    },
  }
}

function countConfig(counts: Count[], label: (s: string) => string, horizontal: boolean): ChartConfiguration {
  return {
    type: 'bar',
    data: {
      labels: counts.map((c) => label(c.key)),
      datasets: [
        { label: 'Open', data: counts.map((c) => c.open), backgroundColor: '#6366f1', borderRadius: 3 },
        { label: 'Resolved', data: counts.map((c) => c.total - c.open), backgroundColor: '#86efac', borderRadius: 3 },
      ],
    },
    options: {
      indexAxis: horizontal ? 'y' : 'x',
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      scales: { x: { stacked: true, beginAtZero: true, ticks: { precision: 0 } }, y: { stacked: true } },
      plugins: { legend: { position: 'bottom', labels: { boxWidth: 12 } } },
    },
  }
}
