import { describe, expect, it } from 'vitest'

import { agentColour, agentInitials } from './agents'
import { phaseBands, phasesOfStatus, ticketPhase } from './phases'

describe('agentInitials', () => {
  it('uses the part of the id that differs between agents', () => {
    expect(agentInitials('agent-phase2-a')).toBe('P2A')
    expect(agentInitials('agent-phase2-b')).toBe('P2B')
    expect(agentInitials('agent-phase1')).toBe('P1')
    expect(agentInitials('agent-docs')).toBe('DO')
    expect(agentInitials('human')).toBe('HU')
    expect(agentInitials('e2e-agent')).toBe('E2')
    expect(agentInitials('agent')).toBe('AG')
  })
  it('gives different agents different initials and a stable colour', () => {
    const ids = ['agent-phase1', 'agent-phase2-a', 'agent-phase2-b', 'agent-phase3-a', 'agent-phase3-b']
    expect(new Set(ids.map(agentInitials)).size).toBe(ids.length)
    expect(agentColour('agent-phase2-a')).toBe(agentColour('agent-phase2-a'))
    expect(new Set(ids.map(agentColour)).size).toBeGreaterThan(1)
  })
})

describe('phases', () => {
  const columns = ['backlog', 'building', 'building-done', 'testing', 'done'].map((id) => ({ id, name: id }))
  const phases = [
    { id: 1, name: 'Plan', columns: ['backlog'] },
    { id: 2, name: 'Build', columns: ['backlog', 'building', 'building-done'] },
    { id: 3, name: 'Test', columns: ['building-done', 'testing', 'done'] },
  ]
  it('places bands over the columns they cover, stacking overlaps', () => {
    expect(phaseBands(phases, columns).map((b) => [b.phase.name, b.start, b.end, b.lane])).toEqual([
      ['Plan', 0, 0, 0],
      ['Build', 0, 2, 1],
      ['Test', 2, 4, 0],
    ])
  })
  it('finds the phase of a ticket from its task, else its column', () => {
    expect(phasesOfStatus(phases, 'building-done').map((p) => p.name)).toEqual(['Build', 'Test'])
    expect(ticketPhase(phases, 'testing')?.name).toBe('Test')
    expect(ticketPhase(phases, 'backlog', [{ phase_id: 2, status: 'in_progress' }])?.name).toBe('Build')
    expect(ticketPhase([], 'backlog')).toBeNull()
  })
})
