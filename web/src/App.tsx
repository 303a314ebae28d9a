import { lazy, Suspense, useCallback, useEffect, useState } from 'react'

import { api, ApiError, enc } from './api/client'
import type { TicketDetail, Workflow } from './api/types'
import { Empty, ToastProvider } from './components/ui'
import { LiveProvider, useLive } from './hooks/useLive'
import { useRoute } from './hooks/useRoute'
import { useTickets } from './hooks/useTickets'
import { TABS, workflowUrl, type Tab } from './lib/route'
import { BoardView } from './views/Board'
import { TicketDrawer } from './views/TicketDrawer'

// The graph and the charts are the heavy parts: load them when opened.
const GraphView = lazy(() => import('./views/Graph'))
const SearchView = lazy(() => import('./views/Search'))
const StatsView = lazy(() => import('./views/Stats'))

const TAB_LABEL: Record<Tab, string> = { board: 'Board', graph: 'Graph', search: 'Search', stats: 'Statistics' }

export function App() {
  const [route, navigate] = useRoute()
  const [workflows, setWorkflows] = useState<Workflow[] | null>(null)
  const [error, setError] = useState<ApiError | null>(null)

  const loadWorkflows = useCallback(() => {
    api
      .get<{ workflows: Workflow[] }>('/api/workflows')
      .then((body) => {
        setWorkflows(body.workflows)
        setError(null)
      })
      .catch((err: ApiError) => setError(err))
  }, [])
  useEffect(loadWorkflows, [loadWorkflows])

  // `/`: the most recently active workflow's board. `/tickets/{id}`: that
  // ticket over its workflow's board.
  useEffect(() => {
    if (route.kind === 'home' && workflows && workflows.length > 0) {
      navigate(workflowUrl(workflows[0].id, 'board'), { replace: true })
    }
    if (route.kind === 'ticket-link') {
      api
        .get<TicketDetail>(`/api/tickets/${enc(route.ticketId)}`)
        .then((t) => navigate(workflowUrl(t.workflow_id, 'board', t.id), { replace: true }))
        .catch((err: ApiError) => setError(err))
    }
  }, [route, workflows, navigate])

  const workflowId = route.kind === 'workflow' ? route.workflowId : null
  const workflow = workflows?.find((w) => w.id === workflowId) ?? null

  // A workflow created after the list was loaded.
  useEffect(() => {
    if (workflowId && workflows && !workflow) loadWorkflows()
  }, [workflowId, workflows, workflow, loadWorkflows])

  let body
  if (error && !workflows) {
    body = (
      <Empty title="Cannot load workflows">
        <p>{error.message}</p>
        {error.hint && <p className="muted">{error.hint}</p>}
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
    body = <WorkflowPage workflow={workflow} route={route} navigate={navigate} />
  } else {
    body = <div className="loading">Loading…</div>
  }

  return (
    <ToastProvider>
      <LiveProvider workflowId={workflow?.id ?? null}>
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
            <div className="spacer" />
            {workflow && <LiveIndicator />}
          </header>
          <main className="content">{body}</main>
        </div>
      </LiveProvider>
    </ToastProvider>
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
}: {
  workflow: Workflow
  route: Extract<ReturnType<typeof useRoute>[0], { kind: 'workflow' }>
  navigate: (url: string, options?: { replace?: boolean }) => void
}) {
  const data = useTickets(workflow.id)
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
    <>
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
    </>
  )
}
