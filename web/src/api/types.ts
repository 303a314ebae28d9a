// The API's shapes (see docs/openapi.json).

export type Priority = 'low' | 'medium' | 'high' | 'critical'
export const PRIORITIES: Priority[] = ['critical', 'high', 'medium', 'low']

export interface Column {
  id: string
  name: string
  wip_limit?: number | null
}

export interface BoardConfig {
  columns: Column[]
  ticket_types: string[]
  initial_status: string
  transitions?: Record<string, string[]> | null
  done_statuses?: string[] | null
  claim_status?: string | null
}

export interface Workflow {
  id: string
  name: string
  board_config: BoardConfig
  phases: unknown[]
  created_at: string
  updated_at: string
}

export interface Ticket {
  id: string
  workflow_id: string
  title: string
  description: string
  ticket_type: string
  status: string
  priority: Priority
  tags: string[]
  created_by: string
  assigned_agent_id: string | null
  created_at: string
  updated_at: string
  started_at: string | null
  completed_at: string | null
  resolved_at: string | null
  is_resolved: boolean
  is_blocked: boolean
  blocked_by_ticket_ids: string[]
  version: number
  lease_expires_at: string | null
  /** Linked commits, once the server offers commit linking. */
  commit_count?: number
}

export interface TicketRef {
  id: string
  title: string
  status: string
  is_resolved: boolean
}

export interface Comment {
  id: number
  ticket_id: string
  author: string
  comment_text: string
  created_at: string
}

export interface HistoryEntry {
  id: number
  ticket_id: string
  agent_id: string
  action: string
  from_status: string | null
  to_status: string | null
  comment: string | null
  details: Record<string, unknown>
  created_at: string
}

export interface Task {
  task_id?: string
  id?: string
  phase_id?: number
  description: string
  status: string
  assigned_agent_id?: string | null
}

export interface LinkedCommit {
  sha?: string
  commit_sha?: string
  message?: string
  commit_message?: string
  author?: string
  committed_at?: string
}

export interface TicketDetail extends Ticket {
  blocked_by: TicketRef[]
  blocks: TicketRef[]
  comments: Comment[]
  history: HistoryEntry[]
  /** Present once the server has phases and tasks. */
  tasks?: Task[]
  /** Present once the server links commits. */
  commits?: LinkedCommit[]
}

export interface TicketPage {
  tickets: Ticket[]
  next_cursor: string | null
}

export interface StatusChange {
  ticket: Ticket
  unblocked_ticket_ids: string[]
  reblocked_ticket_ids: string[]
}

export interface GraphNode {
  id: string
  title: string
  status: string
  ticket_type: string
  priority: Priority
  assigned_agent_id: string | null
  is_resolved: boolean
  is_blocked: boolean
}

export interface GraphEdge {
  from: string
  to: string
  type: string
}

export interface TicketGraph {
  nodes: GraphNode[]
  edges: GraphEdge[]
  critical_path: string[]
}

export interface TixEvent {
  id: number
  workflow_id: string
  kind: string
  ticket_id: string | null
  agent_id: string
  payload: Record<string, unknown>
  created_at: string
}

export interface Count {
  key: string
  total: number
  open: number
}

export interface DurationStats {
  count: number
  median_seconds: number | null
  p85_seconds: number | null
  mean_seconds: number | null
}

export interface WorkflowStats {
  workflow_id: string
  generated_at: string
  days: number
  since: string
  total: number
  open: number
  resolved: number
  by_status: Count[]
  by_type: Count[]
  by_priority: Count[]
  by_assignee: { agent_id: string | null; total: number; open: number }[]
  blocked_now: {
    count: number
    tickets: {
      id: string
      title: string
      status: string
      priority: Priority
      assigned_agent_id: string | null
      open_blockers: number
    }[]
  }
  ready_now: number
  throughput: { day: string; created: number; resolved: number }[]
  lead_time: DurationStats
  cycle_time: DurationStats
  cumulative_flow: { statuses: string[]; days: { day: string; counts: number[] }[] }
  workload: {
    agent_id: string
    open: number
    in_progress: number
    blocked: number
    resolved: number
    actions: number
    last_active_at: string | null
  }[]
}
