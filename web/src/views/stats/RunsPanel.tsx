// The statistics' Runs panel (`stats.runs`, runs started in the period):
// how many, what they cost, how they ended, per agent, per phase, the most
// expensive tickets, and how many attempts a resolved ticket took.

import type { ReactNode } from 'react'

import type { Phase, RunStats } from '../../api/types'
import { Avatar } from '../../components/ui'
import { shortId } from '../../lib/format'
import { costRows, formatCost, formatTokens, outcomeShares, phaseLabel, reportedShare, runsPerResolved, type CostRow } from '../../lib/runs'
import { Kpi, Panel } from './parts'

export function RunsPanel({
  runs,
  days,
  phases,
  openTicket,
}: {
  runs: RunStats | undefined
  days: number
  phases: Phase[]
  openTicket: (id: string) => void
}) {
  // A server without runs says nothing about them.
  if (!runs) return null
  const period = days === 1 ? 'the last day' : `the last ${days} days`
  if (runs.runs === 0) {
    return (
      <p className="muted runs-empty" data-testid="stats-runs-empty">
        No runs in {period}. Runs appear when agents claim tickets or start tasks.
      </p>
    )
  }
  const shares = outcomeShares(runs.by_outcome)
  const open = shares.find((s) => s.state === 'open')?.count ?? 0
  const retries = runs.retries
  const definition =
    retries.resolved_tickets > 0
      ? `${retries.runs} run${retries.runs === 1 ? '' : 's'} on the ${retries.resolved_tickets} ticket${retries.resolved_tickets === 1 ? '' : 's'} resolved in ${period} that had runs (1 = resolved at the first attempt)`
      : `Runs per ticket resolved in ${period} (none with runs yet; 1 = resolved at the first attempt)`
  return (
    <section className="panel wide runs-panel" data-testid="stats-runs" aria-label="Runs">
      <h2>Runs</h2>
      <div className="kpis">
        <Kpi label="Runs" value={runs.runs} sub={`started in ${period}${open > 0 ? ` · ${open} open` : ''}`} testid="kpi-runs" />
        {runs.reported_runs === 0 ? (
          <>
            <Kpi label="Cost" value="–" sub="no run reported tokens or a cost" testid="kpi-cost" />
            <Kpi label="Tokens in" value="–" sub="not reported" testid="kpi-tokens-in" />
            <Kpi label="Tokens out" value="–" sub="not reported" testid="kpi-tokens-out" />
          </>
        ) : (
          <>
            <Kpi
              label="Cost"
              value={formatCost(runs.cost_usd)}
              sub={reportedShare(runs.reported_runs, runs.runs) ?? `${formatCost(runs.cost_usd / runs.runs)} per run`}
              testid="kpi-cost"
            />
            <Kpi
              label="Tokens in"
              value={formatTokens(runs.tokens_in)}
              sub={reportedShare(runs.reported_runs, runs.runs) ?? `${runs.tokens_in.toLocaleString('en-US')} tokens`}
              testid="kpi-tokens-in"
            />
            <Kpi
              label="Tokens out"
              value={formatTokens(runs.tokens_out)}
              sub={reportedShare(runs.reported_runs, runs.runs) ?? `${runs.tokens_out.toLocaleString('en-US')} tokens`}
              testid="kpi-tokens-out"
            />
          </>
        )}
        <Kpi label="Runs per resolved ticket" value={runsPerResolved(retries)} sub={definition} title={definition} testid="kpi-retries" />
      </div>
      <div className="chart-grid">
        <Panel title="Outcomes" testid="run-outcomes">
          <div className="outcome-bar" role="img" aria-label={shares.map((s) => `${s.count} ${s.label}`).join(', ')}>
            {shares.map((s) => (
              <span key={s.state} className={`swatch-${s.state}`} style={{ width: `${s.share * 100}%` }} title={`${s.count} ${s.label}`} />
            ))}
          </div>
          <ul className="outcome-legend">
            {shares.map((s) => (
              <li key={s.state} data-testid="outcome-count" data-outcome={s.state}>
                <span className={`swatch swatch-${s.state}`} aria-hidden="true" />
                {s.label} <strong>{s.count}</strong> <span className="muted">{Math.round(s.share * 100)} %</span>
              </li>
            ))}
          </ul>
        </Panel>
        <Panel title="By agent" testid="runs-by-agent">
          <CostTable
            rows={costRows(runs.by_agent)}
            head="Agent"
            cell={(row) => (
              <span className="who-agent">
                <Avatar agent={row.key} size="sm" /> {row.label}
              </span>
            )}
          />
        </Panel>
        <Panel title="By phase" testid="runs-by-phase">
          <CostTable rows={costRows(runs.by_phase, (r) => phaseLabel(r.key, phases))} head="Phase" />
        </Panel>
        <Panel title="Most expensive tickets" testid="runs-by-ticket" wide>
          <CostTable
            rows={costRows(runs.by_ticket, (r) => r.title ?? r.key)}
            head="Ticket"
            cell={(row) => (
              <button className="ticket-cost-button" onClick={() => openTicket(row.key)} data-testid="cost-ticket" title={`Open ${row.key}`}>
                {row.label}
                <code>{shortId(row.key)}</code>
              </button>
            )}
          />
        </Panel>
      </div>
    </section>
  )
}

function CostTable({ rows, head, cell }: { rows: CostRow[]; head: string; cell?: (row: CostRow) => ReactNode }) {
  if (rows.length === 0) return <p className="muted">None in this period.</p>
  return (
    <div className="table-scroll">
      <table className="table cost-table">
        <thead>
          <tr>
            <th>{head}</th>
            <th className="num">Runs</th>
            <th className="num">Tokens in / out</th>
            <th className="num">Cost</th>
            <th className="cost-bar">
              <span className="sr-only">Share</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.key} data-key={row.key}>
              <td className="who">{cell ? cell(row) : row.label}</td>
              <td className="num">{row.runs}</td>
              {row.reported ? (
                <>
                  <td className="num" title={`${row.tokensIn.toLocaleString('en-US')} in, ${row.tokensOut.toLocaleString('en-US')} out`}>
                    {formatTokens(row.tokensIn)} / {formatTokens(row.tokensOut)}
                  </td>
                  <td className="num">{formatCost(row.cost)}</td>
                </>
              ) : (
                <>
                  <td className="num muted" title="Its runs reported no tokens" data-testid="not-reported">
                    –
                  </td>
                  <td className="num muted" title="Its runs reported no cost">
                    –
                  </td>
                </>
              )}
              <td className="cost-bar">
                <div className="hbar" aria-hidden="true">
                  <span className="hbar-open" style={{ width: `${row.bar * 100}%` }} />
                </div>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
