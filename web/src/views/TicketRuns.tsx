// The drawer's Runs section: every attempt at the ticket (a claim or a task
// start opens one), newest first, with its agent, outcome, time, tokens and
// cost, exit code, summary and hand-off. Nothing when there are none.

import type { Phase, Run } from '../api/types'
import { Markdown } from '../components/Markdown'
import { Avatar, Foldable, OutcomeBadge } from '../components/ui'
import { useNow } from '../hooks/useNow'
import { timeAgo } from '../lib/format'
import { formatCost, handoffParts, isLong, numberedRuns, phaseLabel, runDuration, runState, runTotals, tokensText, totalsText } from '../lib/runs'

export function TicketRuns({ runs, phases }: { runs: Run[] | undefined; phases: Phase[] }) {
  const now = useNow(15_000)
  if (!runs || runs.length === 0) return null
  return (
    <section className="drawer-section runs-section" data-testid="runs">
      <h2>Runs ({runs.length})</h2>
      <p className="muted small runs-total" data-testid="runs-total">
        {totalsText(runTotals(runs))}
        {runs.length > 1 ? ' · newest first' : ''}
      </p>
      <ol className="runs">
        {numberedRuns(runs).map(({ run, attempt }) => (
          <RunItem key={run.run_id} run={run} attempt={attempt} phases={phases} now={now} />
        ))}
      </ol>
    </section>
  )
}

function RunItem({ run, attempt, phases, now }: { run: Run; attempt: number; phases: Phase[]; now: number }) {
  const state = runState(run)
  const tokens = tokensText(run)
  const parts = handoffParts(run.handoff)
  const handoffLength = parts.reduce((n, p) => n + p.text.length + 40, 0)
  const handoffLines = parts.reduce((n, p) => n + p.text.split('\n').length + 1, 0)
  const endedByOther = run.ended_by && run.ended_by !== run.agent_id
  return (
    <li className={`run run-${state}`} data-testid="run" data-run-id={run.run_id} data-outcome={state}>
      <div className="run-head">
        <Avatar agent={run.agent_id} size="sm" />
        <strong className="run-agent">{run.agent_id}</strong>
        <OutcomeBadge state={state} />
        <span className="muted small" title={`Attempt ${attempt} at this ticket`}>
          #{attempt}
        </span>
        <span className="spacer" />
        <span className="muted small run-when" title={whenTitle(run)}>
          {timeAgo(run.started_at, now)} · {runDuration(run, now)}
        </span>
      </div>
      <ul className="run-facts" aria-label="Run details">
        {run.phase_id !== null && run.phase_id !== undefined && (
          <li title={run.task_id ? `Working on a task (${run.task_id})` : undefined}>
            {phaseLabel(run.phase_id, phases)}
            {run.task_id ? ' task' : ''}
          </li>
        )}
        {tokens && <li data-testid="run-tokens">{tokens}</li>}
        {run.cost_usd !== null && run.cost_usd !== undefined && (
          <li data-testid="run-cost" className="run-cost">
            {formatCost(run.cost_usd)}
          </li>
        )}
        {run.exit_code !== null && run.exit_code !== undefined && (
          <li data-testid="run-exit" className={run.exit_code === 0 ? '' : 'run-exit-bad'}>
            exit {run.exit_code}
          </li>
        )}
        {endedByOther && <li>ended by {run.ended_by}</li>}
      </ul>
      {run.summary?.trim() && (
        <Foldable long={isLong(run.summary)} what="summary" testid="run-summary">
          <Markdown text={run.summary} className="run-summary" />
        </Foldable>
      )}
      {parts.length > 0 && (
        <Foldable long={handoffLength > 480 || handoffLines > 10} what="hand-off" testid="run-handoff">
          <div className="handoff">
            <h3>Hand-off</h3>
            <dl>
              {parts.map((p) => (
                <div key={p.key} className={`handoff-part handoff-${p.key}`}>
                  <dt>{p.label}</dt>
                  <dd>
                    <Markdown text={p.text} />
                  </dd>
                </div>
              ))}
            </dl>
          </div>
        </Foldable>
      )}
    </li>
  )
}

function whenTitle(run: Run): string {
  const start = new Date(run.started_at).toLocaleString()
  return run.ended_at ? `${start} → ${new Date(run.ended_at).toLocaleString()}` : `Started ${start}, still open`
}
