import { cleanup, fireEvent, render } from '@testing-library/react'
import { afterEach, describe, expect, it } from 'vitest'

import type { Run } from '../api/types'
import { TicketRuns } from './TicketRuns'

afterEach(cleanup)

const base: Run = {
  run_id: 'run-1',
  ticket_id: 'ticket-a',
  workflow_id: 'wf',
  agent_id: 'agent-phase2-a',
  started_at: '2026-03-10T12:00:00Z',
}

describe('TicketRuns', () => {
  it('shows nothing without runs', () => {
    expect(render(<TicketRuns runs={[]} phases={[]} />).container.innerHTML).toBe('')
    expect(render(<TicketRuns runs={undefined} phases={[]} />).container.innerHTML).toBe('')
  })

  it('lists runs newest first with outcome, phase, tokens, cost, exit code and hand-off', () => {
    const runs: Run[] = [
      {
        ...base,
        run_id: 'run-1',
        phase_id: 2,
        ended_at: '2026-03-10T12:12:00Z',
        outcome: 'failed',
        exit_code: 1,
        tokens_in: 12_300,
        tokens_out: 4_100,
        cost_usd: 0.42,
        summary: 'Tests fail on CI',
        handoff: { done: 'Login form', remaining: 'Refresh tokens', risks: 'Clock skew' },
      },
      { ...base, run_id: 'run-2', agent_id: 'agent-phase2-b', started_at: '2026-03-10T13:00:00Z' },
    ]
    const { getAllByTestId, getByTestId } = render(<TicketRuns runs={runs} phases={[{ id: 2, name: 'Build' }]} />)
    const items = getAllByTestId('run')
    expect(items.map((i) => i.getAttribute('data-outcome'))).toEqual(['open', 'failed'])
    expect(getByTestId('runs-total').textContent).toBe('2 runs · 1 open · $0.42 · 12k in · 4.1k out · newest first')
    const failed = items[1]
    expect(failed.textContent).toContain('Phase 2: Build')
    expect(failed.querySelector('[data-testid="run-exit"]')?.textContent).toBe('exit 1')
    expect(failed.querySelector('[data-testid="run-cost"]')?.textContent).toBe('$0.42')
    expect(failed.querySelector('[data-testid="run-tokens"]')?.textContent).toBe('12k in · 4.1k out')
    expect(failed.textContent).toContain('took 12m')
    const dts = [...failed.querySelectorAll('.handoff dt')].map((d) => d.textContent)
    expect(dts).toEqual(['Done', 'Remaining', 'Risks'])
    expect(items[0].querySelector('[data-testid="run-handoff"]')).toBeNull()
  })

  it('folds a long summary until asked', () => {
    const summary = Array.from({ length: 12 }, (_, i) => `Line ${i + 1}`).join('\n\n')
    const { getByRole, getByTestId } = render(<TicketRuns runs={[{ ...base, outcome: 'succeeded', summary }]} phases={[]} />)
    expect(getByTestId('run-summary').classList.contains('folded')).toBe(true)
    const button = getByRole('button', { name: 'Show the whole summary' })
    expect(button.getAttribute('aria-expanded')).toBe('false')
    fireEvent.click(button)
    expect(getByTestId('run-summary').classList.contains('unfolded')).toBe(true)
    expect(getByRole('button', { name: 'Show less of the summary' }).getAttribute('aria-expanded')).toBe('true')
  })
})
