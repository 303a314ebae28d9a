// Pieces of the statistics tab: a key figure and a titled panel.

import type { ReactNode } from 'react'

export function Kpi({
  label,
  value,
  sub,
  tone,
  testid,
  title,
}: {
  label: string
  value: string | number
  sub?: string
  tone?: 'good' | 'bad'
  testid?: string
  title?: string
}) {
  return (
    <div className={`kpi ${tone ? `kpi-${tone}` : ''}`} data-testid={testid} title={title}>
      <div className="kpi-label">{label}</div>
      <div className="kpi-value">{value}</div>
      {sub && <div className="kpi-sub">{sub}</div>}
    </div>
  )
}

export function Panel({ title, children, wide, testid }: { title: string; children: ReactNode; wide?: boolean; testid?: string }) {
  return (
    <section className={`panel ${wide ? 'wide' : ''}`} data-testid={testid}>
      <h2>{title}</h2>
      {children}
    </section>
  )
}
