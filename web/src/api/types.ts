// The API's shapes, named for the UI. Every one is generated from
// docs/openapi.json (src/api/schema.d.ts, `npm run gen:api`); nothing here is
// written by hand, so the UI cannot drift from the server's contract.

import type { components } from './schema'

type S = components['schemas']

export type Priority = S['Priority']
export const PRIORITIES: Priority[] = ['critical', 'high', 'medium', 'low']

export type Column = S['Column']
export type BoardConfig = S['BoardConfig']
export type Phase = S['Phase']
export type Workflow = S['Workflow']
export type Ticket = S['Ticket']
export type TicketRef = S['TicketRef']
export type Comment = S['Comment']
export type HistoryEntry = S['HistoryEntry']
export type Task = S['Task']
export type LinkedCommit = S['CommitLink']
export type TicketDetail = S['TicketDetail']
export type TicketPage = S['TicketPage']
export type StatusChange = S['StatusChange']
export type CreatedTicket = S['CreatedTicket']
export type SimilarTicket = S['SimilarTicket']
export type Violation = S['Violation']
export type GraphNode = S['GraphNode']
export type GraphEdge = S['GraphEdge']
export type TicketGraph = S['TicketGraph']
export type TixEvent = S['Event']
export type Count = S['Count']
export type DurationStats = S['DurationStats']
export type WorkflowStats = S['WorkflowStats']
export type ReadyTicket = S['ReadyTicket']
export type SearchResponse = S['SearchResponse']
export type SearchHit = S['SearchHit']
export type Run = S['Run']
export type RunOutcome = S['RunOutcome']
export type Handoff = S['Handoff']
export type RunCost = S['RunCost']
export type RunStats = S['RunStats']
export type WhoAmI = S['WhoAmI']
