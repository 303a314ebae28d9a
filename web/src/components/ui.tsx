// Small shared pieces: modal dialog, toasts, badges.

import { createContext, useCallback, useContext, useEffect, useRef, useState, type ReactNode } from 'react'

import type { Priority } from '../api/types'
import { agentColour, agentInitials } from '../lib/agents'
import type { TicketState } from '../lib/board'
import { outcomeLabel, type RunState } from '../lib/runs'

export function Modal({
  title,
  onClose,
  children,
  footer,
  wide,
}: {
  title: string
  onClose: () => void
  children: ReactNode
  footer?: ReactNode
  wide?: boolean
}) {
  const ref = useRef<HTMLDivElement>(null)
  // The latest onClose, without re-running the effects below: callers pass
  // a new arrow each render, and re-running would pull the focus back to
  // the first field on every re-render (each live event) while typing.
  const close = useRef(onClose)
  close.current = onClose
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') close.current()
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [])
  useEffect(() => {
    const first = ref.current?.querySelector<HTMLElement>('textarea, input, select, button.primary')
    first?.focus()
  }, [])
  return (
    <div className="modal-backdrop" onMouseDown={(e) => e.target === e.currentTarget && close.current()}>
      <div className={`modal ${wide ? 'wide' : ''}`} role="dialog" aria-modal="true" aria-label={title} ref={ref}>
        <header className="modal-header">
          <h2>{title}</h2>
          <button className="icon-button" onClick={onClose} aria-label="Close">
            ×
          </button>
        </header>
        <div className="modal-body">{children}</div>
        {footer && <footer className="modal-footer">{footer}</footer>}
      </div>
    </div>
  )
}

export interface ToastAction {
  label: string
  onClick: () => void
}

export interface Toast {
  id: number
  kind: 'error' | 'success' | 'info' | 'warning'
  title: string
  detail?: string
  /** More lines (Guardian warnings, unblocked tickets). */
  lines?: string[]
  actions?: ToastAction[]
}

const ToastContext = createContext<(toast: Omit<Toast, 'id'>) => void>(() => {})

export function ToastProvider({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([])
  const next = useRef(1)
  const push = useCallback((toast: Omit<Toast, 'id'>) => {
    const id = next.current++
    setToasts((list) => [...list.slice(-3), { ...toast, id }])
    const ms = toast.kind === 'error' || toast.kind === 'warning' || toast.actions?.length ? 10_000 : 4500
    setTimeout(() => setToasts((list) => list.filter((t) => t.id !== id)), ms)
  }, [])
  return (
    <ToastContext.Provider value={push}>
      {children}
      <div className="toasts" role="status" aria-live="polite">
        {toasts.map((t) => (
          <div key={t.id} className={`toast toast-${t.kind}`} data-testid={`toast-${t.kind}`}>
            <strong>{t.title}</strong>
            {t.detail && <p>{t.detail}</p>}
            {t.lines && t.lines.length > 0 && (
              <ul className="toast-lines">
                {t.lines.map((line) => (
                  <li key={line}>{line}</li>
                ))}
              </ul>
            )}
            {t.actions && t.actions.length > 0 && (
              <div className="toast-actions">
                {t.actions.map((a) => (
                  <button
                    key={a.label}
                    className="link-button"
                    onClick={() => {
                      a.onClick()
                      setToasts((list) => list.filter((x) => x.id !== t.id))
                    }}
                  >
                    {a.label}
                  </button>
                ))}
              </div>
            )}
            <button
              className="icon-button"
              aria-label="Dismiss"
              onClick={() => setToasts((list) => list.filter((x) => x.id !== t.id))}
            >
              ×
            </button>
          </div>
        ))}
      </div>
    </ToastContext.Provider>
  )
}

export function useToast() {
  return useContext(ToastContext)
}

export function PriorityBadge({ priority }: { priority: Priority }) {
  return (
    <span className={`badge priority priority-${priority}`} title={`Priority: ${priority}`}>
      {priority}
    </span>
  )
}

export function StateBadge({ state }: { state: TicketState }) {
  const label = { resolved: 'Resolved', blocked: 'Blocked', ready: 'Ready', in_progress: 'In progress' }[state]
  return <span className={`badge state state-${state}`}>{label}</span>
}

/** A run's outcome (or `open`), one colour each. */
export function OutcomeBadge({ state }: { state: RunState }) {
  return (
    <span className={`badge outcome outcome-${state}`} data-testid="outcome-badge" data-outcome={state}>
      {outcomeLabel(state)}
    </span>
  )
}

/**
 * Long content folded to a few lines with a fade, and a button to unfold
 * it; short content as it is.
 */
export function Foldable({ long, what, children, testid }: { long: boolean; what: string; children: ReactNode; testid?: string }) {
  const [open, setOpen] = useState(false)
  if (!long) return <div data-testid={testid}>{children}</div>
  return (
    <div className={`foldable ${open ? 'unfolded' : 'folded'}`} data-testid={testid}>
      <div className="foldable-body">{children}</div>
      <button type="button" className="link-button foldable-toggle" aria-expanded={open} onClick={() => setOpen(!open)}>
        {open ? `Show less of the ${what}` : `Show the whole ${what}`}
      </button>
    </div>
  )
}

export function Avatar({ agent, size = 'md' }: { agent: string; size?: 'sm' | 'md' }) {
  return (
    <span
      className={`avatar avatar-${size}`}
      style={{ background: agentColour(agent) }}
      aria-hidden="true"
      data-testid="avatar"
      data-agent={agent}
    >
      {agentInitials(agent)}
    </span>
  )
}

export function Empty({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="empty">
      <h3>{title}</h3>
      {children}
    </div>
  )
}

/** A value that follows `value` after it stopped changing for `ms`. */
export function useDebounced<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value)
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), ms)
    return () => clearTimeout(timer)
  }, [value, ms])
  return settled
}
