// The UI's URLs: /w/{workflow}/{tab}, ?ticket= opens a ticket over any tab,
// /tickets/{id} links to a ticket without knowing its workflow.

export type Tab = 'board' | 'graph' | 'search' | 'stats'
export const TABS: Tab[] = ['board', 'graph', 'search', 'stats']

export type Route =
  | { kind: 'home' }
  | { kind: 'ticket-link'; ticketId: string }
  | { kind: 'workflow'; workflowId: string; tab: Tab; ticketId: string | null; params: URLSearchParams }
  | { kind: 'not-found'; path: string }

export function parseRoute(pathname: string, search: string): Route {
  const parts = pathname.split('/').filter(Boolean).map(decodeURIComponent)
  const params = new URLSearchParams(search)
  if (parts.length === 0) return { kind: 'home' }
  if (parts[0] === 'tickets' && parts.length === 2) return { kind: 'ticket-link', ticketId: parts[1] }
  if (parts[0] === 'w' && parts.length >= 2 && parts.length <= 3) {
    const tab = (parts[2] ?? 'board') as Tab
    if (!TABS.includes(tab)) return { kind: 'not-found', path: pathname }
    const ticketId = params.get('ticket')
    params.delete('ticket')
    return { kind: 'workflow', workflowId: parts[1], tab, ticketId, params }
  }
  return { kind: 'not-found', path: pathname }
}

export function workflowUrl(
  workflowId: string,
  tab: Tab,
  ticketId: string | null = null,
  params: Record<string, string> = {},
): string {
  const search = new URLSearchParams(params)
  if (ticketId) search.set('ticket', ticketId)
  const text = search.toString()
  return `/w/${encodeURIComponent(workflowId)}/${tab}${text ? `?${text}` : ''}`
}
