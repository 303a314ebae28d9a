// A popover anchored to a button, drawn in a portal with fixed positioning
// so no scrolling column can clip it, flipped above the anchor when there is
// no room below, and kept inside the viewport. Opens on hover, focus or
// click; Escape closes it and gives focus back.

import { useCallback, useEffect, useId, useLayoutEffect, useRef, useState, type ReactNode } from 'react'
import { createPortal } from 'react-dom'

const GAP = 6
const MARGIN = 8

export function Popover({
  label,
  className,
  children,
  testid,
  buttonLabel,
}: {
  /** The button's visible text. */
  label: ReactNode
  /** Its accessible name. */
  buttonLabel: string
  className?: string
  children: ReactNode
  testid?: string
}) {
  const [open, setOpen] = useState(false)
  const [pos, setPos] = useState<{ top: number; left: number } | null>(null)
  const anchor = useRef<HTMLButtonElement>(null)
  const panel = useRef<HTMLDivElement>(null)
  const closeTimer = useRef<ReturnType<typeof setTimeout> | null>(null)
  const id = useId()

  const show = useCallback(() => {
    if (closeTimer.current) clearTimeout(closeTimer.current)
    setOpen(true)
  }, [])
  const hideSoon = useCallback(() => {
    if (closeTimer.current) clearTimeout(closeTimer.current)
    closeTimer.current = setTimeout(() => setOpen(false), 120)
  }, [])
  useEffect(() => () => void (closeTimer.current && clearTimeout(closeTimer.current)), [])

  useLayoutEffect(() => {
    if (!open || !anchor.current || !panel.current) return
    const a = anchor.current.getBoundingClientRect()
    const p = panel.current.getBoundingClientRect()
    const vw = window.innerWidth
    const vh = window.innerHeight
    let top = a.bottom + GAP
    if (top + p.height > vh - MARGIN && a.top - GAP - p.height >= MARGIN) top = a.top - GAP - p.height
    top = Math.max(MARGIN, Math.min(top, vh - MARGIN - p.height))
    const left = Math.max(MARGIN, Math.min(a.left, vw - MARGIN - p.width))
    setPos({ top, left })
  }, [open])

  useEffect(() => {
    if (!open) return
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        e.stopPropagation()
        setOpen(false)
        anchor.current?.focus()
      }
    }
    const onScroll = () => setOpen(false)
    window.addEventListener('keydown', onKey, true)
    window.addEventListener('scroll', onScroll, true)
    return () => {
      window.removeEventListener('keydown', onKey, true)
      window.removeEventListener('scroll', onScroll, true)
    }
  }, [open])

  return (
    <>
      <button
        ref={anchor}
        type="button"
        className={className}
        aria-label={buttonLabel}
        aria-expanded={open}
        aria-controls={open ? id : undefined}
        data-testid={testid}
        onMouseEnter={show}
        onMouseLeave={hideSoon}
        onFocus={show}
        onBlur={hideSoon}
        onClick={(e) => {
          e.stopPropagation()
          setOpen((o) => !o)
        }}
        onKeyDown={(e) => {
          // Keep the card's keyboard moves from firing while on the button.
          if (e.key === 'Enter' || e.key === ' ') {
            e.preventDefault()
            e.stopPropagation()
            setOpen((o) => !o)
          }
        }}
        onMouseDown={(e) => e.stopPropagation()}
        onTouchStart={(e) => e.stopPropagation()}
      >
        {label}
      </button>
      {open &&
        createPortal(
          <div
            ref={panel}
            id={id}
            role="tooltip"
            className="popover-panel"
            data-testid="popover"
            style={pos ? { top: pos.top, left: pos.left } : { top: -9999, left: -9999 }}
            onMouseEnter={show}
            onMouseLeave={hideSoon}
          >
            {children}
          </div>,
          document.body,
        )}
    </>
  )
}
