import { lazy, Suspense, useCallback, useEffect, useState } from 'react'

import { authNeeded, onAuthChange, setToken, token } from './api/auth'
import { api, asApiError, whoAmI, type ApiError, type Identity } from './api/client'
import type { Workflow } from './api/types'
import { ActivityPanel } from './components/ActivityPanel'
import { TokenPrompt } from './components/TokenPrompt'
import { Avatar, Empty, ToastProvider } from './components/ui'
import { ActivityProvider, unseenCount, useActivityEvents } from './hooks/useActivity'
import { LiveProvider, useLive } from './hooks/useLive'
import { useRoute } from './hooks/useRoute'
import { useTheme } from './hooks/useTheme'
import { useTickets } from './hooks/useTickets'
import { TABS, workflowUrl, type Tab } from './lib/route'
import { BoardView } from './views/board/BoardView'
import { TicketDrawer } from './views/TicketDrawer'

// The graph and the charts are the heavy parts: load them when opened.
const GraphView = lazy(() => import('./views/Graph'))
const SearchView = lazy(() => import('./views/Search'))
const StatsView = lazy(() => import('./views/Stats'))

const TAB_LABEL: Record<Tab, string> = { board: 'Board', graph: 'Graph', search: 'Search', stats: 'Statistics' }

/** The sign-in state: whether the server asks for a token, and whose it is. */
function useAuth() {
  const [need, setNeed] = useState(authNeeded())
  const [tokenValue, setTokenValue] = useState(token())
  const [identity, setIdentity] = useState<Identity | null>(null)
  useEffect(
    () =>
      onAuthChange(() => {
        setNeed(authNeeded())
        setTokenValue(token())
      }),
    [],
  )
  useEffect(() => {
    setIdentity(null)
    if (!tokenValue) return
    const abort = new AbortController()
    whoAmI(abort.signal)
      .then((who) => {
        // Only while it is still the token the server answered for.
        if (who.token) setIdentity(who)
      })
      .catch(() => {})
    return () => abort.abort()
  }, [tokenValue])
  return { need, token: tokenValue, identity }
}

export function App() {
  const [route, navigate] = useRoute()
  const [workflows, setWorkflows] = useState<Workflow[] | null>(null)
  const [error, setError] = useState<ApiError | null>(null)
  const auth = useAuth()
  const theme = useTheme()
  const [activityOpen, setActivityOpen] = useState(() => {
    try {
      return localStorage.getItem('tix.activity') === '1'
    } catch {
      return false
    }
  })
  const toggleActivity = useCallback(() => {
    setActivityOpen((open) => {
      try {
        localStorage.setItem('tix.activity', open ? '0' : '1')
      } catch {
        // not kept
      }
      return !open
    })
  }, [])

  const loadWorkflows = useCallback(() => {
    api
      .get('/api/workflows')
      .then((body) => {
        setWorkflows(body.workflows)
        setError(null)
      })
      .catch((err: unknown) => {
        const e = asApiError(err)
        setError(e)
        // Signed out (or a token the server no longer accepts): hide the data.
        if (e.status === 401) setWorkflows(null)
      })
  }, [])
  // Again after signing in or out.
  useEffect(loadWorkflows, [loadWorkflows, auth.token])

  // `/`: the most recently active workflow's board. `/tickets/{id}`: that
  // ticket over its workflow's board.
  useEffect(() => {
    if (route.kind === 'home' && workflows && workflows.length > 0) {
      navigate(workflowUrl(workflows[0].id, 'board'), { replace: true })
    }
    if (route.kind === 'ticket-link') {
      setTicketError(null)
      api
        .get('/api/tickets/{ticket_id}', { path: { ticket_id: route.ticketId } })
        .then((t) => navigate(workflowUrl(t.workflow_id, 'board', t.id), { replace: true }))
        .catch((err: unknown) => setTicketError(asApiError(err)))
    }
  }, [route, workflows, navigate, auth.token])
  const [ticketError, setTicketError] = useState<ApiError | null>(null)

  const workflowId = route.kind === 'workflow' ? route.workflowId : null
  const workflow = workflows?.find((w) => w.id === workflowId) ?? null

  // A workflow created after the list was loaded.
  useEffect(() => {
    if (workflowId && workflows && !workflow) loadWorkflows()
  }, [workflowId, workflows, workflow, loadWorkflows])

  let body
  if (auth.need && !workflows) {
    body = <div className="loading">Waiting for you to sign in…</div>
  } else if (route.kind === 'ticket-link' && ticketError) {
    body = (
      <Empty title={ticketError.status === 404 ? 'Ticket not found' : 'Cannot open this ticket'}>
        <p data-testid="ticket-not-found">
          {ticketError.status === 404
            ? `There is no ticket ${route.ticketId} here. The link may be mistyped, or the ticket may live on another Tix server.`
            : ticketError.message}
        </p>
        <p>
          <a href="/">Open the board</a>
        </p>
      </Empty>
    )
  } else if (error && !workflows) {
    body = (
      <Empty title="Cannot load workflows">
        <p>{error.code === 'network_error' ? 'Tix cannot reach its server. Check that it is running; reload when it is.' : error.message}</p>
      </Empty>
    )
  } else if (!workflows) {
    body = <div className="loading">Loading…</div>
  } else if (workflows.length === 0) {
    body = (
      <Empty title="No workflows yet">
        <p>Create one with the CLI or the API, or start the demo:</p>
        <pre>tix workflow create --file examples/board.yaml{'\n'}scripts/run --demo</pre>
      </Empty>
    )
  } else if (route.kind === 'not-found') {
    body = (
      <Empty title="Page not found">
        <p>
          <a href="/">Open the board</a>
        </p>
      </Empty>
    )
  } else if (route.kind === 'workflow' && !workflow) {
    body = (
      <Empty title={`No workflow ${route.workflowId}`}>
        <p>
          <a href="/">Open the most recent board</a>
        </p>
      </Empty>
    )
  } else if (route.kind === 'workflow' && workflow) {
    body = (
      <WorkflowPage workflow={workflow} route={route} navigate={navigate} activityOpen={activityOpen} closeActivity={toggleActivity} />
    )
  } else {
    body = <div className="loading">Loading…</div>
  }

  return (
    <ToastProvider>
      <LiveProvider workflowId={workflow?.id ?? null}>
        <ActivityProvider workflowId={workflow?.id ?? null}>
        <div className="app">
          <header className="topbar">
            <a className="brand" href="/" aria-label="Tix home">
              <img src="/favicon.svg" alt="" width={26} height={26} />
              <span>Tix</span>
            </a>
            {workflows && workflows.length > 0 && (
              <label className="workflow-picker">
                <span className="sr-only">Workflow</span>
                <select
                  aria-label="Workflow"
                  value={workflow?.id ?? ''}
                  onChange={(e) =>
                    navigate(workflowUrl(e.target.value, route.kind === 'workflow' ? route.tab : 'board'))
                  }
                >
                  {!workflow && <option value="">Choose a workflow</option>}
                  {workflows.map((w) => (
                    <option key={w.id} value={w.id}>
                      {w.name}
                    </option>
                  ))}
                </select>
              </label>
            )}
            {workflow && route.kind === 'workflow' && (
              <nav className="tabs" aria-label="Views">
                {TABS.map((tab) => (
                  <a
                    key={tab}
                    href={workflowUrl(workflow.id, tab)}
                    className={route.tab === tab ? 'tab active' : 'tab'}
                    aria-current={route.tab === tab ? 'page' : undefined}
                    onClick={(e) => {
                      if (e.metaKey || e.ctrlKey || e.shiftKey) return
                      e.preventDefault()
                      navigate(workflowUrl(workflow.id, tab))
                    }}
                  >
                    {TAB_LABEL[tab]}
                  </a>
                ))}
              </nav>
            )}
            <div className="topbar-end">
              {workflow && route.kind === 'workflow' && <ActivityToggle open={activityOpen} toggle={toggleActivity} />}
              <button
                className="icon-button theme-toggle"
                onClick={theme.toggle}
                aria-label={theme.dark ? 'Switch to light mode' : 'Switch to dark mode'}
                title={theme.dark ? 'Light mode' : 'Dark mode'}
                data-testid="theme-toggle"
              >
                {theme.dark ? '☀' : '☾'}
              </button>
              {auth.token && (
                <span className="whoami" data-testid="whoami" title={auth.identity ? whoTitle(auth.identity) : undefined}>
                  {auth.identity && <Avatar agent={auth.identity.agent_id} size="sm" />}
                  <span className="whoami-name">{auth.identity ? auth.identity.agent_id : 'signed in'}</span>
                  {auth.identity?.admin && (
                    <span className="badge admin-badge" data-testid="whoami-admin">
                      admin
                    </span>
                  )}
                  <button className="link-button" onClick={() => setToken(null)} data-testid="sign-out">
                    Sign out
                  </button>
                </span>
              )}
              {workflow && <LiveIndicator />}
            </div>
          </header>
          <StaleBanner />
          <main className="content">{body}</main>
          {auth.need && <TokenPrompt need={auth.need} />}
        </div>
        </ActivityProvider>
      </LiveProvider>
    </ToastProvider>
  )
}

/** `Signed in as agent-ops (an admin token: may act as any agent)`. */
function whoTitle(who: Identity): string {
  return `Signed in as ${who.agent_id}${who.admin ? ' (an admin token: may act as any agent)' : ''}`
}

/** The Activity button, with how many events arrived while the panel was closed. */
function ActivityToggle({ open, toggle }: { open: boolean; toggle: () => void }) {
  const events = useActivityEvents()
  const newest = events[0]?.id ?? null
  const [seen, setSeen] = useState<number | null>(null)
  useEffect(() => {
    // While open (and when the first events load) everything counts as seen.
    if (open || seen === null) setSeen(newest)
  }, [open, newest, seen])
  const unseen = open ? 0 : unseenCount(events, seen)
  return (
    <button className={`icon-text ${open ? 'active' : ''}`} onClick={toggle} aria-pressed={open} data-testid="activity-toggle">
      Activity
      {unseen > 0 && (
        <span className="unseen" data-testid="activity-unseen" aria-label={`${unseen} new`}>
          {unseen > 99 ? '99+' : unseen}
        </span>
      )}
    </button>
  )
}

function StaleBanner() {
  const live = useLive()
  if (live.status !== 'reconnecting') return null
  const since = live.downSince ? new Date(live.downSince).toLocaleTimeString() : null
  return (
    <div className="stale-banner" role="status" data-testid="stale-banner">
      Lost the connection to the server{since ? ` at ${since}` : ''}; reconnecting. What you see may be out of date until it is back.
    </div>
  )
}

function LiveIndicator() {
  const live = useLive()
  const label = { live: 'Live', connecting: 'Connecting…', reconnecting: 'Reconnecting…' }[live.status]
  return (
    <span
      className={`live live-${live.status}`}
      data-testid="live-status"
      title={live.lastEventId !== null ? `Up to event ${live.lastEventId}` : undefined}
    >
      <span className="dot" aria-hidden="true" /> {label}
    </span>
  )
}

function WorkflowPage({
  workflow,
  route,
  navigate,
  activityOpen,
  closeActivity,
}: {
  workflow: Workflow
  route: Extract<ReturnType<typeof useRoute>[0], { kind: 'workflow' }>
  navigate: (url: string, options?: { replace?: boolean }) => void
  activityOpen: boolean
  closeActivity: () => void
}) {
  const data = useTickets(workflow.id)
  const activity = useActivityEvents()
  const params = Object.fromEntries(route.params.entries())
  const openTicket = useCallback(
    (id: string | null) => navigate(workflowUrl(workflow.id, route.tab, id, params)),
    [navigate, workflow.id, route.tab, route.params.toString()],
  )
  const setParams = useCallback(
    (next: Record<string, string>) => navigate(workflowUrl(workflow.id, route.tab, route.ticketId, next), { replace: true }),
    [navigate, workflow.id, route.tab, route.ticketId],
  )
  return (
    <div className={`workflow-page ${activityOpen ? 'with-activity' : ''}`}>
      <div className="workflow-main">
      {route.tab === 'board' && (
        <BoardView workflow={workflow} data={data} openTicket={openTicket} params={route.params} setParams={setParams} />
      )}
      <Suspense fallback={<div className="loading">Loading…</div>}>
        {route.tab === 'graph' && (
          <GraphView workflow={workflow} data={data} openTicket={openTicket} params={route.params} setParams={setParams} />
        )}
        {route.tab === 'search' && (
          <SearchView workflow={workflow} data={data} openTicket={openTicket} params={route.params} setParams={setParams} />
        )}
        {route.tab === 'stats' && <StatsView workflow={workflow} openTicket={openTicket} />}
      </Suspense>
      </div>
      {activityOpen && (
        <ActivityPanel events={activity} board={workflow.board_config} byId={data.byId} openTicket={openTicket} onClose={closeActivity} />
      )}
      {route.ticketId && (
        <TicketDrawer
          key={route.ticketId}
          workflow={workflow}
          ticketId={route.ticketId}
          data={data}
          openTicket={openTicket}
          onClose={() => openTicket(null)}
        />
      )}
    </div>
  )
}
