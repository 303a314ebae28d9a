// The board's filters (text, type, priority, agent, phase, parent, tag, blocked,
// ready), its grouping and the activity panel toggle.

import { PRIORITIES, type Workflow } from '../../api/types'
import { isFiltering, NO_FILTERS, UNASSIGNED, type Filters, type ParentOption } from '../../lib/filters'

export function FilterBar({
  workflow,
  filters,
  setFilters,
  assignees,
  tags,
  parents,
  shown,
  total,
  byAgent,
  setByAgent,
  onCreate,
}: {
  workflow: Workflow
  filters: Filters
  setFilters: (f: Filters) => void
  assignees: string[]
  tags: string[]
  parents: ParentOption[]
  shown: number
  total: number
  byAgent: boolean
  setByAgent: (on: boolean) => void
  onCreate: () => void
}) {
  const set = <K extends keyof Filters>(key: K, value: Filters[K]) => setFilters({ ...filters, [key]: value })
  return (
    <div className="filterbar" role="search">
      <input
        type="search"
        className="filter-text"
        placeholder="Filter cards…"
        aria-label="Filter cards by text"
        value={filters.text}
        onChange={(e) => set('text', e.target.value)}
      />
      <select aria-label="Type" value={filters.type} onChange={(e) => set('type', e.target.value)}>
        <option value="">All types</option>
        {workflow.board_config.ticket_types.map((t) => (
          <option key={t} value={t}>
            {t}
          </option>
        ))}
      </select>
      <select aria-label="Priority" value={filters.priority} onChange={(e) => set('priority', e.target.value as Filters['priority'])}>
        <option value="">All priorities</option>
        {PRIORITIES.map((p) => (
          <option key={p} value={p}>
            {p}
          </option>
        ))}
      </select>
      <select aria-label="Agent" value={filters.assignee} onChange={(e) => set('assignee', e.target.value)}>
        <option value="">Any agent</option>
        <option value={UNASSIGNED}>Unassigned</option>
        {assignees.map((a) => (
          <option key={a} value={a}>
            {a}
          </option>
        ))}
      </select>
      {workflow.phases.length > 0 && (
        <select aria-label="Phase" value={filters.phase} onChange={(e) => set('phase', e.target.value)}>
          <option value="">Any phase</option>
          {workflow.phases.map((p) => (
            <option key={p.id} value={String(p.id)}>
              Phase {p.id}: {p.name}
            </option>
          ))}
        </select>
      )}
      {(parents.length > 0 || filters.parent) && (
        <select aria-label="Parent" value={filters.parent} onChange={(e) => set('parent', e.target.value)} data-testid="parent-filter">
          <option value="">Any parent</option>
          {filters.parent && !parents.some((p) => p.id === filters.parent) && <option value={filters.parent}>Under {filters.parent}</option>}
          {parents.map((p) => (
            <option key={p.id} value={p.id}>
              Under {p.title}
            </option>
          ))}
        </select>
      )}
      <select aria-label="Tag" value={filters.tag} onChange={(e) => set('tag', e.target.value)}>
        <option value="">Any tag</option>
        {tags.map((t) => (
          <option key={t} value={t}>
            #{t}
          </option>
        ))}
      </select>
      <label className="check">
        <input type="checkbox" checked={filters.hideBlocked} onChange={(e) => set('hideBlocked', e.target.checked)} />
        Hide blocked
      </label>
      <label className="check">
        <input type="checkbox" checked={filters.onlyReady} onChange={(e) => set('onlyReady', e.target.checked)} />
        Only ready
      </label>
      <label className="check">
        <input type="checkbox" checked={byAgent} onChange={(e) => setByAgent(e.target.checked)} data-testid="group-by-agent" />
        Group by agent
      </label>
      {isFiltering(filters) && (
        <button className="link-button" onClick={() => setFilters(NO_FILTERS)}>
          Clear
        </button>
      )}
      <span className="muted count" data-testid="shown-count">
        {shown === total ? `${total} ticket${total === 1 ? '' : 's'}` : `${shown} of ${total} ticket${total === 1 ? '' : 's'}`}
      </span>
      <div className="spacer" />
      <button className="primary" onClick={onCreate}>
        + New ticket
      </button>
    </div>
  )
}
