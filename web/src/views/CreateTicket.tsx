// Create a ticket from the board: title, type, priority, description
// (Markdown), tags, assignee and blockers.

import { useMemo, useState } from 'react'

import { api, asApiError, type ApiError } from '../api/client'
import { PRIORITIES, type CreatedTicket, type Priority, type Ticket, type Workflow } from '../api/types'
import { Modal } from '../components/ui'
import { matchesText } from '../lib/filters'
import { refusal } from '../lib/wording'

export function CreateTicketDialog({
  workflow,
  tickets,
  onClose,
  onCreated,
}: {
  workflow: Workflow
  tickets: Ticket[]
  onClose: () => void
  onCreated: (created: CreatedTicket) => void
}) {
  const types = workflow.board_config.ticket_types
  const [title, setTitle] = useState('')
  const [type, setType] = useState(types[0] ?? '')
  const [priority, setPriority] = useState<Priority>('medium')
  const [description, setDescription] = useState('')
  const [tags, setTags] = useState('')
  const [assignee, setAssignee] = useState('')
  const [blockers, setBlockers] = useState<string[]>([])
  const [blockerQuery, setBlockerQuery] = useState('')
  const [error, setError] = useState<ApiError | null>(null)
  const [saving, setSaving] = useState(false)

  const candidates = useMemo(
    () =>
      tickets
        .filter((t) => !t.is_resolved && !blockers.includes(t.id) && matchesText(t, blockerQuery))
        .slice(0, 8),
    [tickets, blockers, blockerQuery],
  )

  const submit = async () => {
    setSaving(true)
    setError(null)
    try {
      const created = await api.post('/api/tickets', {
        body: {
        workflow_id: workflow.id,
        title,
        description,
        ticket_type: type,
        priority,
        tags: tags
          .split(',')
          .map((t) => t.trim())
          .filter(Boolean),
        blocked_by_ticket_ids: blockers,
        assigned_agent_id: assignee.trim() || null,
        },
      })
      onCreated(created)
    } catch (err) {
      setError(asApiError(err))
      setSaving(false)
    }
  }

  return (
    <Modal
      title="New ticket"
      wide
      onClose={onClose}
      footer={
        <>
          <button onClick={onClose}>Cancel</button>
          <button className="primary" disabled={!title.trim() || saving} onClick={submit} data-testid="create-ticket">
            {saving ? 'Creating…' : 'Create ticket'}
          </button>
        </>
      }
    >
      {error && (
        <p className="error-box">
          {(() => {
            const r = refusal(error, workflow.board_config, 'This ticket')
            return (
              <>
                <strong>Not created: {r.title}</strong>
                {r.detail && <span> {r.detail}</span>}
              </>
            )
          })()}
        </p>
      )}
      <label className="field">
        <span>Title</span>
        <input value={title} onChange={(e) => setTitle(e.target.value)} placeholder="Build Authentication System" />
      </label>
      <div className="field-row">
        <label className="field">
          <span>Type</span>
          <select value={type} onChange={(e) => setType(e.target.value)}>
            {types.map((t) => (
              <option key={t}>{t}</option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>Priority</span>
          <select value={priority} onChange={(e) => setPriority(e.target.value as Priority)}>
            {PRIORITIES.map((p) => (
              <option key={p}>{p}</option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>Assignee</span>
          <input value={assignee} onChange={(e) => setAssignee(e.target.value)} placeholder="agent id (optional)" />
        </label>
      </div>
      <label className="field">
        <span>Description (Markdown)</span>
        <textarea rows={5} value={description} onChange={(e) => setDescription(e.target.value)} />
      </label>
      <label className="field">
        <span>Tags (comma separated)</span>
        <input value={tags} onChange={(e) => setTags(e.target.value)} placeholder="auth, backend" />
      </label>
      <div className="field">
        <span>Blocked by</span>
        <div className="chips">
          {blockers.map((id) => (
            <span key={id} className="chip">
              {id}
              <button aria-label={`Remove ${id}`} onClick={() => setBlockers(blockers.filter((b) => b !== id))}>
                ×
              </button>
            </span>
          ))}
        </div>
        <input
          value={blockerQuery}
          onChange={(e) => setBlockerQuery(e.target.value)}
          placeholder="Find an unresolved ticket by id or title…"
          aria-label="Find a blocker"
        />
        {blockerQuery && (
          <ul className="picker">
            {candidates.map((t) => (
              <li key={t.id}>
                <button
                  onClick={() => {
                    setBlockers([...blockers, t.id])
                    setBlockerQuery('')
                  }}
                >
                  <code>{t.id}</code> {t.title}
                </button>
              </li>
            ))}
            {candidates.length === 0 && <li className="muted">No match</li>}
          </ul>
        )}
      </div>
    </Modal>
  )
}
